/**
 * 整改通知书 for the round: one A4 notice per site with open rectifications (notices.ts), all of
 * them or one district's, each on a page of its own in print; printed all at once or one by
 * one. The site's unit link (`GET /api/rounds/{id}/unit-links`) is drawn as a QR code; a site
 * without an active link (not dispatched yet, revoked) gets an empty slot that says why.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { ApiRequestError } from '../../../api/api-client';
import type { OfficeApi } from '../../../api/office-api';
import { Field } from '../../../ui/Field';
import { chineseDate } from '../bulletin/bulletin';
import { useRound } from '../rounds/round-context';
import { cityToday } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { PhotoThumb } from '../shared/photos';
import { useLoad } from '../shared/use-load';
import { buildNotices, type Notice } from './notices';

export function NoticesPage() {
  const { t } = useTranslation('office');
  const { api, now } = useOffice();
  const { round, siteById } = useRound();
  const loaded = useLoad(`notices:${round.id}`, async (signal) => {
    const [rectifications, rubric, bulletin, links] = await Promise.all([
      api.rectifications(round.id, signal),
      api.rubric(round.rubricVersion),
      api.bulletin(round.id, signal),
      activeUnitLinks(api, round.id, signal),
    ]);
    const titles = new Map(
      Object.values(rubric.types).flatMap((file) => file.items.map((item) => [item.id, item.title] as const)),
    );
    return { rectifications, itemTitle: (itemId: string) => titles.get(itemId) ?? itemId, bulletin, links };
  });
  const [district, setDistrict] = useState('');
  const [printOnly, setPrintOnly] = useState<string | null>(null);

  // One notice printed: the others are left out of print until the dialog closes.
  useEffect(() => {
    if (printOnly === null) return;
    const done = () => setPrintOnly(null);
    window.addEventListener('afterprint', done, { once: true });
    window.print();
    return () => window.removeEventListener('afterprint', done);
  }, [printOnly]);

  const all = useMemo(
    () =>
      loaded.data &&
      buildNotices({
        round,
        rectifications: loaded.data.rectifications,
        sites: siteById,
        itemTitle: loaded.data.itemTitle,
        districtOrder: loaded.data.bulletin.districtOrder,
        unitLinks: loaded.data.links,
      }),
    [loaded.data, round, siteById],
  );
  if (!loaded.data || !all) return <LoadState error={loaded.error} onRetry={loaded.reload} />;
  const districts = [...new Set(all.map((notice) => notice.district))];
  const shown = district ? all.filter((notice) => notice.district === district) : all;
  const issuer = loaded.data.bulletin.issuer;
  const issuedOn = chineseDate(cityToday(now()));

  return (
    <div className="notices-page">
      <div className="toolbar toolbar--wrap no-print">
        <Field label={t('notices.district')}>
          <select className="field__input" value={district} onChange={(event) => setDistrict(event.target.value)}>
            <option value="">{t('notices.allDistricts')}</option>
            {districts.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <span className="toolbar__grow muted" data-testid="notices-count">
          {t('notices.count', { count: shown.length })}
        </span>
        <button
          type="button"
          className="button button--primary"
          disabled={shown.length === 0}
          onClick={() => window.print()}
        >
          {district ? t('notices.printDistrict', { district }) : t('notices.printAll')}
        </button>
      </div>
      <p className="muted no-print">{t('notices.hint')}</p>
      {shown.length === 0 && <p className="notice no-print">{t('notices.none')}</p>}
      {shown.map((notice) => (
        <div key={notice.siteId} className={printOnly && printOnly !== notice.siteId ? 'no-print' : undefined}>
          <div className="toolbar no-print">
            <button type="button" className="button" onClick={() => setPrintOnly(notice.siteId)}>
              {t('notices.printOne', { site: notice.siteName })}
            </button>
          </div>
          <NoticeSheet notice={notice} issuer={issuer} issuedOn={issuedOn} />
        </div>
      ))}
    </div>
  );
}

/**
 * Each site's active unit link by site id. A server without the units loop has no such route
 * (404 for a round that exists): its notices print with the QR slot empty, as for a site whose
 * items are not dispatched yet.
 */
async function activeUnitLinks(api: OfficeApi, roundId: string, signal: AbortSignal): Promise<Map<string, string>> {
  try {
    const links = await api.unitLinks(roundId, signal);
    return new Map(links.filter((link) => link.active).map((link) => [link.siteId, link.url]));
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return new Map();
    throw error;
  }
}

/** One notice as printed: an A4 page of its own. */
function NoticeSheet({ notice, issuer, issuedOn }: { notice: Notice; issuer: string; issuedOn: string }) {
  return (
    <article className="bulletin rectify-notice" data-testid="rectify-notice" data-site={notice.siteId} lang="zh-CN">
      <h1 className="bulletin__title">整改通知书</h1>
      <p className="bulletin__salutation">
        {notice.siteName}（{notice.district}
        {notice.address && `，${notice.address}`}）：
      </p>
      <p className="bulletin__para">{notice.opening}</p>
      <table className="bulletin__table" data-testid="notice-items">
        <thead>
          <tr>
            {['序号', '测评项目', '存在问题', '整改前照片', '整改期限'].map((head) => (
              <th key={head} scope="col">
                {head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {notice.items.map((item) => (
            <tr key={item.itemId}>
              <td className="nowrap">{item.index}</td>
              <td className="bulletin__problems">
                {item.itemId} {item.title}
              </td>
              <td className="bulletin__problems">{item.note || '—'}</td>
              <td className="rectify-notice__photo">
                {item.photo ? <PhotoThumb sha256={item.photo} alt={`${item.itemId} ${item.title}`} /> : '—'}
              </td>
              <td className="nowrap">{item.dueOn}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="rectify-notice__foot">
        <UnitLinkCode link={notice.unitLink} />
        <p className="bulletin__sign">
          {issuer}
          <br />
          {issuedOn}
        </p>
      </div>
    </article>
  );
}

/** The unit's link as a QR code, or the empty slot with words until the server gives a link. */
function UnitLinkCode({ link }: { link: string | undefined }) {
  const [qr, setQr] = useState<{ link: string; svg: string }>();
  const url = link && new URL(link, window.location.origin).href;
  useEffect(() => {
    if (!url) return;
    let live = true;
    void import('qrcode').then(async (QRCode) => {
      const svg = await QRCode.toString(url, { type: 'svg', width: 160, margin: 1, errorCorrectionLevel: 'M' });
      if (live) setQr({ link: url, svg: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` });
    });
    return () => {
      live = false;
    };
  }, [url]);
  if (!url) {
    return (
      <div className="rectify-notice__qr rectify-notice__qr--empty" data-testid="notice-qr-empty">
        整改反馈二维码将在交办后生成
      </div>
    );
  }
  return (
    <div className="rectify-notice__qr">
      {qr?.link === url && <img src={qr.svg} alt="整改反馈二维码" data-testid="notice-qr" />}
      <span className="rectify-notice__link">扫码或打开链接反馈整改情况</span>
    </div>
  );
}
