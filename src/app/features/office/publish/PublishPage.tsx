/**
 * Publishing the round's district ranking: publish (a new unguessable link), update (same
 * link, figures as of now), withdraw (the link stops working). Shows the link, a QR code to
 * print and exactly what the public page shows.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { ApiRequestError } from '../../../api/api-client';
import type { Publication } from '../../../api/office-api';
import { useRound } from '../rounds/round-context';
import { errorMessage } from '../shared/errors';
import { formatDateTime } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { RankingTable } from '../shared/RankingTable';
import { useLoad } from '../shared/use-load';

export function PublishPage() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round, sites, feed } = useRound();
  // Publishing before every site is inspected ranks districts on part of their sites: say so.
  const inspected = new Set(feed.inspections.map((inspection) => inspection.siteId));
  const uninspected = sites.filter((site) => !inspected.has(site.id)).length;
  const publication = useLoad(`publication:${round.id}`, (signal) =>
    api.publication(round.id, signal).catch((error: unknown) => {
      if (error instanceof ApiRequestError && error.status === 404) return null;
      throw error;
    }),
  );
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  const act = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await action();
      setMessage({ ok: true, text: done });
      publication.reload();
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  if (publication.data === undefined) return <LoadState error={publication.error} onRetry={publication.reload} />;
  const current = publication.data;
  return (
    <div className="publish">
      <section className="office-card no-print">
        <h2>{t('publish.title')}</h2>
        <p className="muted">{t('publish.hint')}</p>
        {uninspected > 0 && (
          <p className="notice" data-testid="publish-incomplete">
            {t('publish.incomplete', { count: uninspected })}
          </p>
        )}
        <div className="toolbar toolbar--wrap">
          {current ? (
            <>
              <button
                type="button"
                className="button button--primary"
                disabled={busy}
                onClick={() => void act(() => api.publish(round.id), t('publish.updated'))}
              >
                {t('publish.update')}
              </button>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => {
                  if (window.confirm(t('publish.confirmWithdraw')))
                    void act(() => api.unpublish(round.id), t('publish.withdrawn'));
                }}
              >
                {t('publish.withdraw')}
              </button>
            </>
          ) : (
            <button
              type="button"
              className="button button--primary"
              disabled={busy}
              onClick={() => {
                if (uninspected === 0 || window.confirm(t('publish.confirmIncomplete', { count: uninspected })))
                  void act(() => api.publish(round.id), t('publish.published'));
              }}
            >
              {t('publish.publish')}
            </button>
          )}
        </div>
        {message && (
          <p
            className={message.ok ? 'notice notice--ok' : 'notice notice--error'}
            role={message.ok ? 'status' : 'alert'}
          >
            {message.text}
          </p>
        )}
        {/* Right after a withdrawal its notice says it all; "not published" under it would repeat it. */}
        {!current && !message?.ok && <p data-testid="publication-state">{t('publish.notPublished')}</p>}
      </section>
      {current && <PublishedView round={round.name} publication={current} />}
    </div>
  );
}

function PublishedView({ round, publication }: { round: string; publication: Publication }) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const [qr, setQr] = useState<string>();
  const [copied, setCopied] = useState(false);
  // The server says PUBLIC_URL's address when one is configured, else only the path: this
  // browser's own origin completes it (never a Host header a request could forge).
  const url = new URL(publication.url, window.location.origin).href;
  const preview = useLoad(`public:${publication.token}:${publication.publishedAt}`, (signal) =>
    api.publicRanking(publication.token, signal),
  );
  useEffect(() => {
    let live = true;
    void import('qrcode').then(async (QRCode) => {
      const svg = await QRCode.toString(url, {
        type: 'svg',
        width: 256,
        margin: 1,
        errorCorrectionLevel: 'M',
      });
      if (live) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      live = false;
    };
  }, [url]);

  return (
    <>
      <section className="office-card qr-card" data-testid="publication">
        <h2 className="qr-card__title">{t('publish.qrTitle', { round })}</h2>
        <p data-testid="publication-state">
          {t('publish.publishedAt', { time: formatDateTime(publication.publishedAt) })}
        </p>
        {qr ? (
          <img className="qr-card__code" src={qr} alt={t('publish.qrAlt')} data-testid="qr-code" />
        ) : (
          <p role="status">{t('common.loading')}</p>
        )}
        <p className="qr-card__link">
          <a href={url} target="_blank" rel="noreferrer noopener" data-testid="public-link">
            {url}
          </a>
        </p>
        <div className="toolbar no-print">
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              void navigator.clipboard.writeText(url).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? t('publish.copied') : t('publish.copy')}
          </button>
          <button type="button" className="button button--small" onClick={() => window.print()}>
            {t('publish.printQr')}
          </button>
        </div>
      </section>
      <section className="office-card no-print">
        <h2>{t('publish.preview')}</h2>
        {preview.data ? (
          <RankingTable districts={preview.data.districts} />
        ) : (
          <LoadState error={preview.error} onRetry={preview.reload} />
        )}
      </section>
    </>
  );
}
