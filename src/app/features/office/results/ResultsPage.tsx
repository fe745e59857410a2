/**
 * Results as they arrive, in a virtualised, sortable table with filters (district, type, score,
 * full marks, to rectify, inspector, dates, a search box). Each site's current result — the
 * default — comes from the server a page at a time, filtered and sorted there
 * (`GET /api/rounds/{id}/result-list`), so a province's round of 100,000 rows opens as fast as a
 * city's; the pages in view are fetched again whenever the round's feed hears of new
 * inspections, which are highlighted. Every stored revision (the box unticked) is the feed's own
 * list, filtered and sorted in the browser.
 */
import { useDeferredValue, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from '../../../i18n';
import { Link, useSearch } from 'wouter';
import type { ResultListRow } from '../../../../domain/result-list';
import { SITE_TYPES } from '../../../../domain/rubric';
import type { UserView } from '../../../api/office-api';
import { districtsOf } from '../rounds/assignments';
import { useRound } from '../rounds/round-context';
import { OutsideRoundMark } from './OutsideRoundMark';
import { PresenceCell } from './PresenceSection';
import { Field } from '../../../ui/Field';
import { formatClock, formatDateTime, formatScore } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { rowKey as feedRowKey } from '../shared/use-inspection-feed';
import { VirtualTable, type Column, type SortDirection } from '../shared/VirtualTable';
import { createResultPages, type LoadPage, type ResultPages } from './result-pages';
import { resultListParams } from './result-list-query';
import {
  buildRows,
  filterRows,
  filterFromSearch,
  filterToSearch,
  NO_FILTER,
  outsideRound,
  sortRows,
  type ResultFilter,
  type ResultRow,
  type SortKey,
} from './results-model';

type Sort = { key: SortKey; direction: SortDirection };

/** What a row of either list shows. */
type ShownRow = Pick<
  ResultRow,
  | 'inspectionId'
  | 'revision'
  | 'siteName'
  | 'district'
  | 'type'
  | 'score'
  | 'fullMarks'
  | 'mustRectify'
  | 'inspectorName'
  | 'submittedAt'
  | 'flags'
>;

/** Search text waits this long after the last keystroke before it asks the server. */
const SEARCH_DELAY_MS = 250;

export function ResultsPage() {
  const { t } = useTranslation('office');
  const { round, sites, users, feed } = useRound();
  const [latestOnly, setLatestOnly] = useState(true);
  const search = useSearch();
  const [filter, setFilter] = useState<ResultFilter>(() => filterFromSearch(search));
  useEffect(() => keepFilterInUrl(filter), [filter]);
  const [sort, setSort] = useState<Sort>({ key: 'submittedAt', direction: 'desc' });
  const districts = useMemo(() => districtsOf(sites), [sites]);
  const inspectors = useMemo(() => users.filter((user) => user.role === 'inspector'), [users]);

  const set: SetFilter = (key, value) => setFilter((previous) => ({ ...previous, [key]: value }));
  const onSort = (key: string) =>
    setSort((previous) => ({
      key: key as SortKey,
      direction: previous.key === key && previous.direction === 'desc' ? 'asc' : 'desc',
    }));
  const columns = useResultColumns(latestOnly, round);

  return (
    <div className="results">
      <ResultFilters filter={filter} set={set} districts={districts} inspectors={inspectors} />
      <div className="toolbar">
        <label className="choice">
          <input type="checkbox" checked={latestOnly} onChange={(event) => setLatestOnly(event.target.checked)} />
          {t('results.latestOnly')}
        </label>
        <button type="button" className="button button--small" onClick={() => setFilter(NO_FILTER)}>
          {t('results.clear')}
        </button>
        <span className="toolbar__grow" />
        <span className="muted" data-testid="feed-status">
          {feed.error
            ? t('results.feedError')
            : t('results.checkedAt', { time: feed.lastCheckedAt ? formatClock(feed.lastCheckedAt) : '—' })}
        </span>
        <button type="button" className="button button--small" onClick={feed.refresh}>
          {t('common.refresh')}
        </button>
      </div>
      {latestOnly ? (
        <CurrentResults filter={filter} sort={sort} onSort={onSort} columns={columns} />
      ) : (
        <EveryRevision filter={filter} sort={sort} onSort={onSort} columns={columns} />
      )}
    </div>
  );
}

interface ListProps {
  filter: ResultFilter;
  sort: Sort;
  onSort: (key: string) => void;
  columns: Column<ShownRow>[];
}

/** Each site's current result, a page at a time from the server. */
function CurrentResults({ filter, sort, onSort, columns }: ListProps) {
  const { api } = useOffice();
  const { round } = useRound();
  const query = useDelayed(filter.query, SEARCH_DELAY_MS);
  const params = useMemo(() => resultListParams({ ...filter, query }, sort), [filter, query, sort]);
  const key = JSON.stringify([round.id, params]);
  const load: LoadPage = (offset, limit, signal) => api.resultList(round.id, { ...params, offset, limit }, signal);
  // A new query (filter, sort) gets its own pages, showing the last query's rows until it answers.
  const [pages, setPages] = useState(() => ({ key, pages: createResultPages(load) }));
  if (pages.key !== key) setPages({ key, pages: createResultPages(load, { before: pages.pages }) });
  return <CurrentResultsTable pages={pages.pages} query={key} sort={sort} onSort={onSort} columns={columns} />;
}

/** The current results' table: the pages in view, refetched as new inspections arrive. */
function CurrentResultsTable({
  pages,
  query,
  sort,
  onSort,
  columns,
}: Omit<ListProps, 'filter'> & { pages: ResultPages; query: string }) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round, feed } = useRound();
  useSyncExternalStore(pages.subscribe, pages.version);
  useEffect(() => {
    pages.request(0, 0);
    return pages.abort;
  }, [pages]);
  // New inspections arrived (the feed's version grew): the pages in view are fetched again.
  const seenVersion = useRef(feed.version);
  useEffect(() => {
    if (seenVersion.current === feed.version) return;
    seenVersion.current = feed.version;
    pages.refresh();
  }, [pages, feed.version]);
  // The unfiltered count, for "显示 x 条，共 y 条".
  const [all, setAll] = useState<{ version: number; total: number }>();
  useEffect(() => {
    const controller = new AbortController();
    api.resultList(round.id, { limit: 1 }, controller.signal).then(
      (answer) => setAll({ version: feed.version, total: answer.total }),
      () => undefined, // the count line waits; the list shows its own error
    );
    return () => controller.abort();
  }, [api, round.id, feed.version]);

  if (pages.total === undefined) return <LoadState error={pages.error} onRetry={() => pages.refresh()} />;
  return (
    <>
      <p role="status" data-testid="results-count">
        {t('results.count', { shown: pages.total, total: all?.total ?? '…' })}
      </p>
      {pages.error && (
        <p className="notice notice--error" role="alert">
          {t('common.loadFailed')}
        </p>
      )}
      <VirtualTable<ResultListRow>
        busy={pages.stale}
        scrollKey={query}
        label={t('results.title')}
        columns={columns}
        count={pages.total}
        rowAt={pages.rowAt}
        onRange={pages.request}
        rowKey={(row) => row.siteId}
        sort={sort}
        onSort={onSort}
        rowClassName={(row) =>
          feed.fresh.has(feedRowKey({ id: row.inspectionId, revision: row.revision }))
            ? 'vtable__row--fresh'
            : undefined
        }
        empty={all?.total === 0 ? t('results.none') : t('results.noMatch')}
        testId="results-table"
      />
    </>
  );
}

/** Every stored revision: the round's feed, filtered and sorted here. */
function EveryRevision({ filter, sort, onSort, columns }: ListProps) {
  const { t } = useTranslation('office');
  const { round, siteById, userName, feed } = useRound();
  const deferredFilter = useDeferredValue(filter);
  const rows = useMemo(
    () =>
      buildRows(feed.inspections, {
        siteById,
        userName,
        rectifyBelow: round.rectifyBelow,
        latestOnly: false,
        fresh: feed.fresh,
        round,
      }),
    [feed.inspections, feed.fresh, siteById, userName, round],
  );
  const shown = useMemo(
    () => sortRows(filterRows(rows, deferredFilter), sort.key, sort.direction),
    [rows, deferredFilter, sort],
  );
  if (!feed.loaded) return <LoadState error={feed.error} onRetry={feed.refresh} />;
  return (
    <>
      <p role="status" data-testid="results-count">
        {t('results.count', { shown: shown.length, total: rows.length })}
      </p>
      <VirtualTable
        label={t('results.title')}
        columns={columns}
        rows={shown}
        rowKey={(row) => row.key}
        sort={sort}
        onSort={onSort}
        rowClassName={(row) => (row.fresh ? 'vtable__row--fresh' : undefined)}
        empty={rows.length === 0 ? t('results.none') : t('results.noMatch')}
        testId="results-table"
      />
    </>
  );
}

/** The value, once it has stopped changing for `delayMs`. */
function useDelayed<T>(value: T, delayMs: number): T {
  const [delayed, setDelayed] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDelayed(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return delayed;
}

function useResultColumns(latestOnly: boolean, round: { startsOn: string; endsOn: string }): Column<ShownRow>[] {
  const { t } = useTranslation('office');
  return [
    {
      key: 'site',
      header: t('results.site'),
      width: 'minmax(14rem, 3fr)',
      sortable: true,
      render: (row) => (
        <Link href={`/results/${row.inspectionId}${latestOnly ? '' : `?revision=${row.revision}`}`}>
          {row.siteName}
        </Link>
      ),
    },
    { key: 'district', header: t('results.district'), width: '6rem', sortable: true, render: (row) => row.district },
    {
      key: 'type',
      header: t('results.type'),
      width: '5rem',
      sortable: true,
      render: (row) => (row.type ? t(`siteType.${row.type}`) : ''),
    },
    {
      key: 'score',
      header: t('results.score'),
      width: '5rem',
      sortable: true,
      numeric: true,
      render: (row) => <strong>{formatScore(row.score)}</strong>,
    },
    {
      key: 'fullMarks',
      header: t('results.fullMarks'),
      width: '7rem',
      sortable: true,
      render: (row) =>
        row.fullMarks ? (
          <span className="badge badge--ok">{t('results.full')}</span>
        ) : row.mustRectify ? (
          <span className="badge badge--bad">{t('results.mustRectify')}</span>
        ) : (
          <span className="badge">{t('results.deducted')}</span>
        ),
    },
    {
      key: 'inspector',
      header: t('results.inspector'),
      width: 'minmax(9rem, 1.5fr)',
      sortable: true,
      render: (row) => (
        <span className="vtable__wrap" title={row.inspectorName}>
          {row.inspectorName}
        </span>
      ),
    },
    {
      key: 'submittedAt',
      header: t('results.submittedAt'),
      width: '11rem',
      sortable: true,
      render: (row) => (
        <>
          {formatDateTime(row.submittedAt)}
          {outsideRound(row.submittedAt, round) && (
            <OutsideRoundMark explanation={t('results.outsideRound', { from: round.startsOn, to: round.endsOn })} />
          )}
        </>
      ),
    },
    {
      key: 'presence',
      header: t('presence.column'),
      width: 'minmax(7rem, 1fr)',
      render: (row) => <PresenceCell flags={row.flags} />,
    },
    {
      key: 'revision',
      header: t('results.revision'),
      width: '4rem',
      numeric: true,
      render: (row) => row.revision,
    },
  ];
}

type SetFilter = <K extends keyof ResultFilter>(key: K, value: ResultFilter[K]) => void;

/** The filter bar above the results: a search box, drop-downs, dates and score bounds. */
function ResultFilters(props: {
  filter: ResultFilter;
  set: SetFilter;
  districts: readonly string[];
  inspectors: readonly UserView[];
}) {
  const { t } = useTranslation('office');
  // The drop-downs and inputs only offer values of their filter's type.
  const bind = <K extends keyof ResultFilter>(key: K) => ({
    value: props.filter[key],
    onChange: (value: string) => props.set(key, value as ResultFilter[K]),
  });
  return (
    <div className="filters" role="search" aria-label={t('results.filters')}>
      <FilterInput label={t('results.search')} type="search" {...bind('query')} />
      <FilterSelect label={t('results.district')} {...bind('district')}>
        {props.districts.map((district) => (
          <option key={district}>{district}</option>
        ))}
      </FilterSelect>
      <FilterSelect label={t('results.type')} {...bind('type')}>
        {SITE_TYPES.map((type) => (
          <option key={type} value={type}>
            {t(`siteType.${type}`)}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label={t('results.fullMarks')} all="all" {...bind('fullMarks')}>
        <option value="yes">{t('results.full')}</option>
        <option value="no">{t('results.notFull')}</option>
      </FilterSelect>
      <FilterSelect label={t('results.rectify')} all="all" {...bind('rectify')}>
        <option value="yes">{t('results.mustRectify')}</option>
        <option value="no">{t('results.noRectify')}</option>
      </FilterSelect>
      <FilterSelect label={t('results.inspector')} {...bind('inspectorId')}>
        {props.inspectors.map((user) => (
          <option key={user.id} value={user.id}>
            {user.displayName}
          </option>
        ))}
      </FilterSelect>
      <FilterInput label={t('results.from')} type="date" {...bind('from')} />
      <FilterInput label={t('results.to')} type="date" {...bind('to')} />
      <FilterSelect label={t('presence.filter')} all="all" {...bind('presence')}>
        <option value="flagged">{t('presence.flagged')}</option>
        <option value="clean">{t('presence.clean')}</option>
      </FilterSelect>
      <FilterInput label={t('results.minScore')} type="number" min={0} max={100} {...bind('minScore')} />
      <FilterInput label={t('results.maxScore')} type="number" min={0} max={100} {...bind('maxScore')} />
    </div>
  );
}

interface FilterProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
}

/** One filter's drop-down: "all" (the filter's `all` value) first, then the given options. */
function FilterSelect({
  label,
  value,
  onChange,
  all = '',
  children,
}: FilterProps & { all?: string; children: ReactNode }) {
  const { t } = useTranslation('office');
  return (
    <Field label={label}>
      <select className="field__input" value={value} onChange={(event) => onChange(event.target.value)}>
        <option value={all}>{t('common.all')}</option>
        {children}
      </select>
    </Field>
  );
}

/** One filter's text, date or number box. */
function FilterInput({
  label,
  type,
  min,
  max,
  value,
  onChange,
}: FilterProps & { type: string; min?: number; max?: number }) {
  return (
    <Field label={label}>
      <input
        className="field__input"
        type={type}
        min={min}
        max={max}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}

/** Writes the filter into the address without a new history entry: Back leaves the list, not a filter step. */
function keepFilterInUrl(filter: ResultFilter): void {
  const search = filterToSearch(filter);
  if (search === window.location.search.replace(/^\?/, '')) return;
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${search ? `?${search}` : ''}`);
}
