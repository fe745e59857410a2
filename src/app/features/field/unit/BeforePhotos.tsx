/**
 * The item's before-photos, read from the server with the unit's credential (a site link may
 * read its items' before-photos). Offline they are named, not shown: the list itself is kept on
 * the phone, the photos are not (they are the office's, and a phone with little room needs none).
 */
import { useEffect, useState } from 'react';
import type { UnitWorkApi } from '../../../api/unit-work-api';
import { useTranslation } from '../../../i18n';

export function BeforePhotos({ api, photos }: { api: Pick<UnitWorkApi, 'photo'>; photos: readonly string[] }) {
  const { t } = useTranslation('unit');
  const [urls, setUrls] = useState<Record<string, string>>({});
  const key = photos.join(',');
  useEffect(() => {
    const controller = new AbortController();
    const made: string[] = [];
    void (async () => {
      for (const sha256 of key ? key.split(',') : []) {
        const blob = await api.photo(sha256, { signal: controller.signal }).catch(() => undefined);
        if (controller.signal.aborted) return;
        if (!blob) continue;
        const url = URL.createObjectURL(blob);
        made.push(url);
        setUrls((current) => ({ ...current, [sha256]: url }));
      }
    })();
    return () => {
      controller.abort();
      made.forEach((url) => URL.revokeObjectURL(url));
    };
  }, [api, key]);
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
