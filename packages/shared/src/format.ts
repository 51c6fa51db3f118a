/** Display format of the brief: DD.MM.YYYY HH:mm:ss, 24 h, in the tenant's time zone. */
export const DEFAULT_TIME_ZONE = 'Europe/Istanbul';

// Building an Intl.DateTimeFormat costs far more than formatting with one: kept per zone (a few zones at most).
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(timeZone, format);
  }
  return format;
}

export function formatDateTime(value: Date | string | number, timeZone: string = DEFAULT_TIME_ZONE): string {
  const date = value instanceof Date ? value : new Date(value);
  const parts = Object.fromEntries(
    dateTimeFormat(timeZone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * Parses DD.MM.YYYY HH:mm:ss given in `timeZone` to a UTC Date; null when malformed or impossible.
 */
export function parseDateTime(text: string, timeZone: string = DEFAULT_TIME_ZONE): Date | null {
  const m = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [day, month, year, hour, minute, second] = m.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Offset of the zone at that wall time, found by formatting and comparing (two passes cover DST edges).
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const shown = formatDateTime(new Date(guess), timeZone);
    const [d2, t2] = shown.split(' ');
    const [dd, mm, yy] = d2.split('.').map(Number);
    const [hh, mi, ss] = t2.split(':').map(Number);
    guess += asUtc - Date.UTC(yy, mm - 1, dd, hh, mi, ss);
  }
  const check = formatDateTime(new Date(guess), timeZone);
  return check === text.trim() ? new Date(guess) : null;
}
