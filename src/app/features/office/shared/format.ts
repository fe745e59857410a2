/**
 * How the office shows numbers, instants and dates: scores with up to two decimals, instants
 * and dates in Asia/Shanghai whatever the computer's time zone (docs/ARCHITECTURE.md, "Design notes").
 */
import { CITY_TIME_ZONE, cityDate, cityDateTime } from '../../../../domain/dates';

/** `2021-07-19 01:30` in Shanghai, or `—` when there is no (valid) instant. */
export function formatDateTime(instant: string | undefined | null): string {
  if (!instant) return '—';
  if (Number.isNaN(new Date(instant).getTime())) return '—';
  return cityDateTime(instant);
}

/** `93.41`, `100`, or `—` when there is no score yet. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '—' : String(score);
}

/** Today's date in Shanghai, `YYYY-MM-DD`. */
export function cityToday(now: Date): string {
  return cityDate(now);
}

/** An open rectification whose due date has passed (due today is not overdue yet). */
export function isOverdue(rectification: { dueOn: string; status: string }, today: string): boolean {
  return rectification.status === 'open' && rectification.dueOn < today;
}

/** AMap marker link for a WGS-84 position (the phone's GPS), opened in the browser. */
export function amapLink(lat: number, lng: number, name = ''): string {
  const params = new URLSearchParams({
    position: `${lng},${lat}`,
    coordinate: 'wgs84',
    callnative: '0',
    ...(name && { name }),
  });
  return `https://uri.amap.com/marker?${params.toString()}`;
}

const clock = new Intl.DateTimeFormat('en-GB', {
  timeZone: CITY_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `14:03:27` in Shanghai. */
export function formatClock(date: Date): string {
  return clock.format(date);
}
