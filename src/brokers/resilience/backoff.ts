/**
 * "Full jitter" exponential backoff: a random delay up to base × 2^attempt, capped. Random
 * spreads retries of many clients apart; the cap keeps a retry inside a request's deadline.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMilliseconds = 100, capMilliseconds = 2_000): number {
  return Math.floor(random() * Math.min(capMilliseconds, baseMilliseconds * 2 ** attempt));
}

/** Retry-After in seconds or as an HTTP date → milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMilliseconds(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
