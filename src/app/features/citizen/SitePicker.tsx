/** The general link's first step: find the site by name or district, then report on it. */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n';
import { Link } from 'wouter';
import { createCitizenApi, type PublicSite } from '../../api/citizen-api';
import { useServices } from '../../services';

export function SitePicker() {
  const { t } = useTranslation('citizen');
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const [words, setWords] = useState('');
  const [found, setFound] = useState<PublicSite[]>();
  const [failed, setFailed] = useState(false);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    if (!words.trim()) return;
    setFailed(false);
    try {
      setFound(await api.searchSites(words.trim().slice(0, 30)));
    } catch {
      setFailed(true);
    }
  };

  return (
    <section>
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form className="citizen-search" onSubmit={(event) => void search(event)}>
        <label className="field">
          <span>{t('search.label')}</span>
          <input
            type="search"
            value={words}
            maxLength={30}
            placeholder={t('search.placeholder')}
            onChange={(event) => setWords(event.target.value)}
          />
        </label>
        <button type="submit" className="button button--primary">
          {t('search.button')}
        </button>
      </form>
      {failed && (
        <p className="notice notice--error" role="alert">
          {t('search.failed')}
        </p>
      )}
      {found?.length === 0 && <p className="notice">{t('search.none')}</p>}
      {found && found.length > 0 && (
        <ul className="site-list">
          {found.map((site) => (
            <li key={site.id}>
              <Link href={`/report/${encodeURIComponent(site.id)}`}>
                {site.name} <span className="muted">{site.district}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
