/**
 * The item's before-photos, as kept on the phone (unit-photo-download.ts fetches them with the
 * unit's credential when the list is read online): shown offline after the first visit; one not
 * kept yet says it comes when online.
 */
import { useEffect, useMemo } from 'react';
import { useUnitPhotos } from '../../../db/unit-live';
import { useTranslation } from '../../../i18n';
import { useServices } from '../../../services';

export function BeforePhotos({ scope, photos }: { scope: string; photos: readonly string[] }) {
  const { t } = useTranslation('unit');
  const services = useServices();
  const kept = useUnitPhotos(services.db, scope, photos);
  const urls = useObjectUrls(kept);
  return (
    <section aria-labelledby="unit-before">
      <h2 id="unit-before">{t('item.before')}</h2>
      {photos.length === 0 ? (
        <p className="muted">{t('item.noBefore')}</p>
      ) : (
        <ul className="thumb-row" data-testid="unit-before-photos">
          {photos.map((sha256, index) => (
            <li key={sha256}>
              {urls[sha256] ? (
                <a href={urls[sha256]} target="_blank" rel="noreferrer">
                  <img className="unit-photo" src={urls[sha256]} alt={t('item.beforePhoto', { number: index + 1 })} />
                </a>
              ) : (
                <span className="muted">{t('item.photoUnavailable', { number: index + 1 })}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Object URLs of the kept photos, given back when they change or the page goes. */
function useObjectUrls(kept: ReadonlyMap<string, Blob> | undefined): Record<string, string> {
  const urls = useMemo(
    () => Object.fromEntries([...(kept ?? [])].map(([sha256, blob]) => [sha256, URL.createObjectURL(blob)])),
    [kept],
  );
  useEffect(() => () => Object.values(urls).forEach((url) => URL.revokeObjectURL(url)), [urls]);
  return urls;
}
