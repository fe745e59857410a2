/**
 * Calendar dates in Asia/Shanghai. Due dates and dates shown to people follow the city's
 * calendar whatever the device's or server's time zone: an inspection submitted at 01:30 on
 * the 19th in Shanghai (17:30 UTC on the 18th) belongs to the 19th.
 */
export const CITY_TIME_ZONE = 'Asia/Shanghai';
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const cityDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: CITY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `YYYY-MM-DD` of an instant in Asia/Shanghai. */
export function cityDate(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return cityDateFormat.format(date);
}

/** Adds whole days to a `YYYY-MM-DD` date (calendar arithmetic, no time zone involved). */
export function addDays(isoDate: string, days: number): string {
  if (!isValidIsoDate(isoDate)) throw new RangeError(`not a valid date: ${isoDate}`);
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The date a rectification is due: the Shanghai date of submission plus the round's days. */
export function dueOn(submittedAt: string, rectifyDays: number): string {
  return addDays(cityDate(submittedAt), rectifyDays);
}

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2021-02-30). */
export function isValidIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
