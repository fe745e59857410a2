/**
 * Printable QR posters for residents, one per site (A4 or A5; a whole district at once): the
 * code opens the public report page with the site chosen (`/report/<siteId>`). The address is
 * this browser's origin — the one the office reached the server on — never a request header.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { Site } from '../../../../domain/wire';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';

type Paper = 'A4' | 'A5';

export function PosterPage() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const sites = useLoad('office:sites', (signal) => api.sites(signal));
  const districts = [...new Set((sites.data ?? []).map((site) => site.district))].sort((a, b) =>
    a.localeCompare(b, 'zh-CN'),
  );
  const [district, setDistrict] = useState('');
  const [paper, setPaper] = useState<Paper>('A4');
  const chosen = (sites.data ?? []).filter((site) => !district || site.district === district);
  return (
    <section className="page" data-testid="citizen-posters">
      <div className="toolbar toolbar--wrap no-print">
        <h1>{t('citizen.posters.title')}</h1>
        <label>
          {t('citizen.posters.district')}{' '}
          <select value={district} onChange={(event) => setDistrict(event.target.value)}>
            <option value="">{t('citizen.posters.allDistricts')}</option>
            {districts.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('citizen.posters.size')}{' '}
          <select value={paper} onChange={(event) => setPaper(event.target.value as Paper)}>
            <option value="A4">A4</option>
            <option value="A5">A5</option>
          </select>
        </label>
        <span className="muted">{t('citizen.posters.count', { count: chosen.length })}</span>
        <button type="button" className="button button--primary" onClick={() => window.print()}>
          {t('citizen.posters.print')}
        </button>
      </div>
      {/* The page size follows the choice: the printer gets one poster per sheet. */}
      <style>{`@page { size: ${paper}; margin: 12mm; }`}</style>
      <div className={`posters posters--${paper}`}>
        {chosen.map((site) => (
          <Poster key={site.id} site={site} />
        ))}
      </div>
    </section>
  );
}

function Poster({ site }: { site: Site }) {
  const { t } = useTranslation('office');
  const url = new URL(`/report/${encodeURIComponent(site.id)}`, window.location.origin).href;
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    let live = true;
    void import('qrcode').then(async (QRCode) => {
      const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      if (live) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <article className="poster" data-testid="poster" data-url={url}>
      <h2 className="poster__title">{t('citizen.posters.scan')}</h2>
      <p className="poster__site">{site.name}</p>
      {qr && <img className="poster__code" src={qr} alt={url} />}
      <p className="poster__hint">{t('citizen.posters.hint')}</p>
      <p className="poster__link">{url}</p>
    </article>
  );
}
