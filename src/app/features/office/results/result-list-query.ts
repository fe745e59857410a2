/**
 * The results page's filter and sort as the server's result-list query. Only values the route
 * accepts are sent: a half-typed score bound or a date from an edited address is left out (no
 * filter), as the list in memory used to ignore them, instead of a 400.
 */
import { isValidIsoDate } from '../../../../domain/dates';
import type { ResultListParams, ResultListSort } from '../../../../domain/result-list';
import type { ResultFilter } from './results-model';

const SCORE = /^\d{1,3}(\.\d{1,2})?$/;

function scoreBound(text: string): string | undefined {
  const value = text.trim();
  return SCORE.test(value) && Number(value) <= 100 ? value : undefined;
}

const date = (text: string) => (isValidIsoDate(text) ? text : undefined);
const yesNo = (value: 'all' | 'yes' | 'no') => (value === 'all' ? undefined : value);
/** The route's length limits; longer text cannot be a site name, district or user id anyway. */
const text = (value: string, max: number) => value.trim().slice(0, max) || undefined;

/** The 到场核验 filter as the route's `flagged`. */
const PRESENCE_PARAM = { all: undefined, flagged: 'yes', clean: 'no' } as const;

export function resultListParams(
  filter: ResultFilter,
  sort: { key: ResultListSort; direction: 'asc' | 'desc' },
): ResultListParams {
  const params: ResultListParams = {
    sort: sort.key,
    direction: sort.direction,
    q: text(filter.query, 100),
    district: text(filter.district, 50),
    type: filter.type || undefined,
    fullMarks: yesNo(filter.fullMarks),
    rectify: yesNo(filter.rectify),
    inspectorId: text(filter.inspectorId, 100),
    from: date(filter.from),
    to: date(filter.to),
    minScore: scoreBound(filter.minScore),
    maxScore: scoreBound(filter.maxScore),
    flagged: PRESENCE_PARAM[filter.presence],
  };
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}
