/**
 * ALOR writes UTC times with .NET's 7 fractional digits, "2023-12-11T07:02:48.0000000Z", and
 * some without the zone. Both become ISO-8601 with an offset; null for anything unreadable.
 */
export function alorTime(text: string | null | undefined): string | null {
  if (!text) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
