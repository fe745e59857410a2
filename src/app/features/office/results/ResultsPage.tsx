/**
 * Results as they arrive: every inspection of the round in a virtualised, sortable table with
 * filters (district, type, score, full marks, to rectify, inspector, dates, a search box). The
 * round's feed polls the server, so new inspections appear by themselves and are highlighted.
 */
import { useDeferredValue, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { SITE_TYPES, type SiteType } from '../../../../domain/rubric';
import { districtsOf } from '../rounds/assignments';
import { useRound } from '../rounds/round-context';
import { formatClock, formatDateTime, formatScore } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { VirtualTable, type Column, type SortDirection } from '../shared/VirtualTable';
import {
  buildRows,
  filterRows,
  NO_FILTER,
  sortRows,
  type ResultFilter,
  type ResultRow,
  type SortKey,
} from './results-model';

export function ResultsPage() {
  const { t } = useTranslation('office');
  const { round, sites, siteById, users, userName, feed } = useRound();
  const [latestOnly, setLatestOnly] = useState(true);
  const [filter, setFilter] = useState<ResultFilter>(NO_FILTER);
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({
    key: 'submittedAt',
    direction: 'desc',
  });
  const deferredFilter = useDeferredValue(filter);

  const rows = useMemo(
    () =>
      buildRows(feed.inspections, {
        siteById,
        userName,
        rectifyBelow: round.rectifyBelow,
        latestOnly,
        fresh: feed.fresh,
      }),
    [feed.inspections, feed.fresh, siteById, userName, round.rectifyBelow, latestOnly],
  );
  const shown = useMemo(
    () => sortRows(filterRows(rows, deferredFilter), sort.key, sort.direction),
    [rows, deferredFilter, sort],
  );
  const districts = useMemo(() => districtsOf(sites), [sites]);
  const inspectors = useMemo(() => {
    const ids = new Set(feed.inspections.map((row) => row.inspectorId));
    return users.filter((user) => ids.has(user.id));
  }, [feed.inspections, users]);

  const set = <K extends keyof ResultFilter>(key: K, value: ResultFilter[K]) =>
    setFilter((previous) => ({ ...previous, [key]: value }));
  const onSort = (key: string) =>
    setSort((previous) => ({
      key: key as SortKey,
      direction: previous.key === key && previous.direction === 'desc' ? 'asc' : 'desc',
    }));

  const columns: Column<ResultRow>[] = [
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
      width: '7rem',
      sortable: true,
      render: (row) => row.inspectorName,
    },
    {
      key: 'submittedAt',
      header: t('results.submittedAt'),
      width: '9.5rem',
      sortable: true,
      render: (row) => formatDateTime(row.submittedAt),
    },
    {
      key: 'revision',
      header: t('results.revision'),
      width: '4rem',
      numeric: true,
      render: (row) => row.revision,
    },
  ];

  if (!feed.loaded) return <LoadState error={feed.error} onRetry={feed.refresh} />;

  return (
    <div className="results">
      <div className="filters" role="search" aria-label={t('results.filters')}>
        <label className="field">
          <span className="field__label">{t('results.search')}</span>
          <input
            className="field__input"
            type="search"
            value={filter.query}
            onChange={(event) => set('query', event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('results.district')}</span>
          <select
            className="field__input"
            value={filter.district}
            onChange={(event) => set('district', event.target.value)}
          >
            <option value="">{t('common.all')}</option>
            {districts.map((district) => (
              <option key={district}>{district}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('results.type')}</span>
          <select
            className="field__input"
            value={filter.type}
            onChange={(event) => set('type', event.target.value as SiteType | '')}
          >
            <option value="">{t('common.all')}</option>
            {SITE_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`siteType.${type}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('results.fullMarks')}</span>
          <select
            className="field__input"
            value={filter.fullMarks}
            onChange={(event) => set('fullMarks', event.target.value as ResultFilter['fullMarks'])}
          >
            <option value="all">{t('common.all')}</option>
            <option value="yes">{t('results.full')}</option>
            <option value="no">{t('results.notFull')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('results.rectify')}</span>
          <select
            className="field__input"
            value={filter.rectify}
            onChange={(event) => set('rectify', event.target.value as ResultFilter['rectify'])}
          >
            <option value="all">{t('common.all')}</option>
            <option value="yes">{t('results.mustRectify')}</option>
            <option value="no">{t('results.noRectify')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('results.inspector')}</span>
          <select
            className="field__input"
            value={filter.inspectorId}
            onChange={(event) => set('inspectorId', event.target.value)}
          >
            <option value="">{t('common.all')}</option>
            {inspectors.map((user) => (
              <option key={user.id} value={user.id}>
                {user.displayName}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('results.from')}</span>
          <input
            className="field__input"
            type="date"
            value={filter.from}
            onChange={(event) => set('from', event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('results.to')}</span>
          <input
            className="field__input"
            type="date"
            value={filter.to}
            onChange={(event) => set('to', event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('results.minScore')}</span>
          <input
            className="field__input"
            type="number"
            min={0}
            max={100}
            value={filter.minScore}
            onChange={(event) => set('minScore', event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('results.maxScore')}</span>
          <input
            className="field__input"
            type="number"
            min={0}
            max={100}
            value={filter.maxScore}
            onChange={(event) => set('maxScore', event.target.value)}
          />
        </label>
      </div>
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
    </div>
  );
}
