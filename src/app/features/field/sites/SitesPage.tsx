import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { Link } from 'wouter';
import { cityDate } from '../../../../domain/dates';
import type { Site, User } from '../../../../domain/wire';
import type { SiteState, SyncedWork } from '../../../db/inspection-reads';
import type { SiteResultOnServer } from '../../../db/types';
import { useRoundSites, useRounds, useSiteReviews } from '../../../db/live';
import { preloadInspectPageWhenIdle } from '../../../lazy-screens';
import { useServices } from '../../../services';
import { ChoiceButton } from '../../../ui/ChoiceButton';
import { ReviewNote } from '../../../ui/ReviewNote';
import { RoundPicker } from '../../../ui/RoundPicker';
import { SiteSearch } from '../../../ui/SiteSearch';
import {
  countByFilter,
  inFilter,
  rememberedFilter,
  rememberFilter,
  SITE_FILTERS,
  type SiteFilter,
} from './site-filter';
import { groupSites } from './site-order';
import './sites.css';

const STATE_BADGE = {
  not_started: 'badge',
  inspected: 'badge badge--ok',
  draft: 'badge badge--draft',
  submitted: 'badge badge--warn',
  synced: 'badge badge--ok',
} as const;

/**
 * "My sites": the assigned sites of the chosen round, by district, the ones still to inspect
 * first, with their state, a filter by state (kept for the session) and a search box.
 */
export function SitesPage({ user }: { user: User }) {
  const { t } = useTranslation();
  const { db } = useServices();
  const rounds = useRounds(db);
  const [chosenRound, setChosenRound] = useState<string>();
  const roundId = chosenRound ?? rounds?.[0]?.id;
  const data = useRoundSites(db, roundId, user.id);
  const reviews = useSiteReviews(db, user.id);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<SiteFilter>(rememberedFilter);
  // The next tap is most likely a site: have the checklist's code ready for it.
  useEffect(() => preloadInspectPageWhenIdle(), []);

  const stateOf = useMemo(() => {
    const states = data?.states;
    return (site: Site): SiteState => states?.get(site.id) ?? 'not_started';
  }, [data]);
  const counts = useMemo(() => countByFilter((data?.sites ?? []).map(stateOf)), [data, stateOf]);
  const groups = useMemo(() => {
    const shown = filterSites(data?.sites ?? [], query).filter((site) => inFilter(stateOf(site), filter));
    return groupSites(shown, stateOf);
  }, [data, query, filter, stateOf]);
  const choose = (chosen: SiteFilter) => {
    setFilter(chosen);
    rememberFilter(chosen);
  };
  if (!rounds || !data) return <p role="status">{t('common.loading')}</p>;
  if (rounds.length === 0) return <p className="notice">{t('sites.noRound')}</p>;

  return (
    <section>
      <h1>{t('sites.title')}</h1>
      <div className="toolbar">
        <RoundPicker label={t('sites.round')} rounds={rounds} value={roundId} onChange={setChosenRound} />
      </div>
      <SiteSearch label={t('sites.search')} value={query} onChange={setQuery} />
      <SiteFilterChoice value={filter} counts={counts} onChange={choose} />
      <p className="muted" role="status">
        {t('sites.count', { count: groups.reduce((sum, group) => sum + group.sites.length, 0) })}
      </p>
      {data.sites.length === 0 && <p className="notice">{t('sites.empty')}</p>}
      {data.sites.length > 0 && groups.length === 0 && (
        <p className="notice">{query.trim() ? t('sites.noMatch', { query }) : t('sites.noneInFilter')}</p>
      )}
      {groups.map((group) => (
        <div key={group.district}>
          <h2 className="site-list__district">{group.district}</h2>
          <ul className="site-list">
            {group.sites.map((site) => {
              const state = stateOf(site);
              const onServer = state === 'inspected' ? data.results.get(site.id) : undefined;
              const mine =
                state === 'synced' ? ownResult(data.synced.get(site.id), data.results.get(site.id)) : undefined;
              const review = reviews?.get(`${roundId}:${site.id}`);
              return (
                <li key={site.id}>
                  <Link
                    className="site-list__link"
                    href={`/inspect/${encodeURIComponent(roundId!)}/${encodeURIComponent(site.id)}`}
                  >
                    <span>
                      <span className="site-list__name">{site.name}</span>
                      <span className="site-list__meta">
                        {' '}
                        <span className="site-list__type">{t(`siteType.${site.type}`)}</span> ·{' '}
                        <span className="site-list__id">{site.id}</span>
                      </span>
                      {onServer && (
                        <span className="site-list__result">
                          {t('sites.inspectedBy', {
                            name: onServer.inspectorName,
                            date: cityDate(onServer.submittedAt).replaceAll('-', '\u2011'), // no line break inside
                            score: onServer.score,
                          })}
                        </span>
                      )}
                      {review && <ReviewNote decision={review} compact />}
                      {mine && (
                        <span className="site-list__result">
                          {t('sites.syncedScore', {
                            date: mine.submittedAt ? cityDate(mine.submittedAt).replaceAll('-', '\u2011') : '',
                            score: mine.score,
                          })}
                        </span>
                      )}
                    </span>
                    <span className={STATE_BADGE[state]}>{t(`sites.state.${state}`)}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}

/**
 * What the list says of this device's synced inspection of a site: the score the server answered
 * its PUT with, else (a revision synced before the app kept that answer) the score the last
 * bootstrap brought for that same inspection. Nothing when neither is known.
 */
function ownResult(
  synced: SyncedWork | undefined,
  onServer: SiteResultOnServer | undefined,
): { submittedAt: string | undefined; score: number } | undefined {
  if (!synced) return undefined;
  const score = synced.score ?? (onServer?.inspectionId === synced.inspectionId ? onServer.score : undefined);
  return score === undefined ? undefined : { submittedAt: synced.submittedAt ?? onServer?.submittedAt, score };
}

function filterSites(sites: readonly Site[], query: string): Site[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...sites];
  return sites.filter((site) =>
    [site.name, site.id, site.district, site.address ?? ''].some((text) => text.toLowerCase().includes(needle)),
  );
}

/** Which sites are shown, by where their work stands, each choice with its count. */
function SiteFilterChoice(props: {
  value: SiteFilter;
  counts: Record<SiteFilter, number>;
  onChange: (filter: SiteFilter) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="site-filter" role="radiogroup" aria-label={t('sites.filter.label')}>
      {SITE_FILTERS.map((filter) => (
        <ChoiceButton
          key={filter}
          checked={props.value === filter}
          className="site-filter__option"
          disabled={false}
          onChoose={() => props.onChange(filter)}
        >
          {t(`sites.filter.${filter}`, { count: props.counts[filter] })}
        </ChoiceButton>
      ))}
    </div>
  );
}
