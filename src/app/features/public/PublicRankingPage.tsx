/**
 * The published ranking, open to anyone with the link (signed out too): the round, when it was
 * published, and the districts' ranking figures — nothing about sites, people or photos (the
 * server sends nothing else). A lazy chunk of its own, like the office workspace.
 */
import { useMemo } from 'react';
import { useTranslation } from '../../i18n';
import { ApiRequestError } from '../../api/api-client';
import { createOfficeApi } from '../../api/office-api';
import { useServices } from '../../services';
import { registerOfficeMessages } from '../office/i18n';
import { formatDateTime } from '../office/shared/format';
import { RankingTable } from '../office/shared/RankingTable';
import { useLoad } from '../office/shared/use-load';

registerOfficeMessages();

export default function PublicRankingPage({ token }: { token: string }) {
  const { t } = useTranslation('office');
  const services = useServices();
  const api = useMemo(() => createOfficeApi(services.api), [services.api]);
  const ranking = useLoad(`public:${token}`, (signal) => api.publicRanking(token, signal));

  if (!ranking.data) {
    const gone = ranking.error instanceof ApiRequestError && ranking.error.status === 404;
    return (
      <main className="app-main public-ranking">
        <h1>{t('public.title')}</h1>
        {gone ? (
          <p className="notice" role="alert">
            {t('public.gone')}
          </p>
        ) : ranking.error ? (
          <p className="notice notice--error" role="alert">
            {t('public.failed')}
          </p>
        ) : (
          <p role="status">{t('common.loading')}</p>
        )}
      </main>
    );
  }
  const { round, publishedAt, districts, issuer } = ranking.data;
  return (
    <main className="app-main public-ranking" data-testid="public-ranking">
      <h1>{round.name}</h1>
      <p className="muted">
        {t('public.subtitle', { startsOn: round.startsOn, endsOn: round.endsOn, time: formatDateTime(publishedAt) })}
      </p>
      {issuer && (
        <p className="public-ranking__issuer" data-testid="public-issuer">
          {t('public.issuer', { issuer })}
        </p>
      )}
      <RankingTable districts={districts} caption={t('public.caption')} />
      <p className="muted">{t('public.note')}</p>
    </main>
  );
}
