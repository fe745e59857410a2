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

const cityDateTimeFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: CITY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function validInstant(instant: string | Date): Date {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return date;
}

/** `YYYY-MM-DD` of an instant in Asia/Shanghai. */
export function cityDate(instant: string | Date): string {
  return cityDateFormat.format(validInstant(instant));
}

function cityWallClock(instant: string | Date) {
  const parts = Object.fromEntries(
    cityDateTimeFormat.formatToParts(validInstant(instant)).map((part) => [part.type, part.value]),
  ) as Partial<Record<Intl.DateTimeFormatPartTypes, string>>;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: `${parts.hour}:${parts.minute}`,
    seconds: parts.second ?? '00',
  };
}

/**
 * `YYYY-MM-DD HH:mm`: an instant as a wall-clock time in Asia/Shanghai, whatever the device's
 * or server's zone (the watermark, the office's tables, the exports). Throws on an invalid instant.
 */
export function cityDateTime(instant: string | Date): string {
  const clock = cityWallClock(instant);
  return `${clock.date} ${clock.minutes}`;
}

/**
 * `YYYY-MM-DDTHH:mm:ss+08:00`: the instant written in Shanghai time with its offset, as a phone
 * in the city writes it (the city keeps no summer time, so the offset is always +08:00).
 */
export function cityIsoInstant(instant: string | Date): string {
  const clock = cityWallClock(instant);
  return `${clock.date}T${clock.minutes}:${clock.seconds}+08:00`;
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
