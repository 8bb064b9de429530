const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** "30d", "12h", "90m", "2w", "1y" → milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([smhdwy])$/.exec(text.trim());
  if (!match) return undefined;
  const milliseconds = Number(match[1]) * units[match[2]!]!;
  return milliseconds > 0 ? milliseconds : undefined;
}
