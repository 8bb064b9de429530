/**
 * ALOR writes UTC times with .NET's 7 fractional digits, "2023-12-11T07:02:48.0000000Z", and
 * some without the zone. Both become ISO-8601 with an offset; null for anything unreadable.
 */
const dotNetUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

export function alorTime(text: string | null | undefined): string | null {
  if (!text) return null;
  // The usual shape, by far: keep milliseconds and skip the Date round trip (thousands per history page).
  if (dotNetUtc.test(text)) return `${text.slice(0, 23)}Z`;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
