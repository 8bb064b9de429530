/**
 * Times in InstaForex bodies. Every confirmed payload uses unix seconds (§4.5); Json.NET's
 * default for a DateTime is ISO-8601 without a zone (`2024-05-02T10:15:00`, §4), which MT4
 * servers mean as UTC. Both are accepted; a zone, when present, is honoured.
 */

const unixSecondsPattern = /^\d+(\.0+)?$/;
const isoPattern = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO-8601 with an offset, or null for MT4's unset time (0); undefined when the text is no time at all. */
export function parseInstaforexTime(text: string): string | null | undefined {
  const value = text.trim();
  if (unixSecondsPattern.test(value)) {
    const seconds = Number.parseInt(value, 10);
    return seconds === 0 ? null : formatTime(seconds * 1000);
  }
  const match = isoPattern.exec(value);
  if (!match) return undefined;
  const [, date, clock, fraction = '', zone = 'Z'] = match;
  // .NET writes up to seven fraction digits; Date.parse is only specified for three.
  const milliseconds = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const parsed = Date.parse(`${date}T${clock}${milliseconds}${offset}`);
  return Number.isNaN(parsed) ? undefined : formatTime(parsed);
}

/** `2024-05-02T10:15:00Z`: whole seconds stay whole, as MT4 records them. */
export function formatTime(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace('.000Z', 'Z');
}

/** An ISO-8601 time as unix seconds, rounded down (`from`) or up (`to`) so the range asked for is never narrower. */
export function toUnixSeconds(isoTime: string, rounding: 'down' | 'up'): number {
  const seconds = Date.parse(isoTime) / 1000;
  return rounding === 'down' ? Math.floor(seconds) : Math.ceil(seconds);
}
