import { weekdays, type TradingHours, type Weekday } from './policy.js';

/**
 * Calendar arithmetic in a policy's timezone, through Intl (IANA zones, daylight saving
 * included): which day "today" is for the daily counters, and whether a moment falls in the
 * policy's trading hours.
 */

interface LocalTime {
  /** YYYY-MM-DD */
  day: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  /** HH:MM */
  clock: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, format);
  }
  return format;
}

export function localTime(moment: Date, timezone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(moment).map((part) => [part.type, part.value]));
  const hour = Number(parts['hour']);
  const minute = Number(parts['minute']);
  return {
    day: `${parts['year']}-${parts['month']}-${parts['day']}`,
    weekday: String(parts['weekday']).toUpperCase().slice(0, 3) as Weekday,
    minutes: hour * 60 + minute,
    clock: `${parts['hour']}:${parts['minute']}`,
  };
}

/** The day the daily counters count in: YYYY-MM-DD in `timezone`. */
export function dayIn(moment: Date, timezone: string): string {
  return localTime(moment, timezone).day;
}

function minutesOf(clock: string): number {
  const [hour, minute] = clock.split(':').map(Number);
  return hour! * 60 + minute!;
}

/**
 * Whether `moment` is inside the window: from (inclusive) to (exclusive) on the listed days. A
 * window whose `to` is before its `from` runs across midnight and belongs to the day it starts on.
 */
export function withinTradingHours(moment: Date, hours: TradingHours): boolean {
  const local = localTime(moment, hours.timezone);
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  if (from < to) return hours.days.includes(local.weekday) && local.minutes >= from && local.minutes < to;
  const yesterday = weekdays[(weekdays.indexOf(local.weekday) + 6) % 7]!;
  return (hours.days.includes(local.weekday) && local.minutes >= from) || (hours.days.includes(yesterday) && local.minutes < to);
}

/** "MON,TUE 10:00-18:40 Europe/Moscow" */
export function describeTradingHours(hours: TradingHours): string {
  return `${hours.days.join(',')} ${hours.from}-${hours.to} ${hours.timezone}`;
}

/** "SAT 11:02 Europe/Moscow" */
export function describeLocalTime(moment: Date, timezone: string): string {
  const local = localTime(moment, timezone);
  return `${local.weekday} ${local.clock} ${timezone}`;
}
