/**
 * ALOR limits HTTP to 100 requests per second per user (alor.dev "HTTP API overview"). The
 * shared framework only has a per-minute window, so this is the per-second one: a sliding
 * window of the last 1000 ms of accepted requests per key. Refused requests do not count.
 */
export class SecondRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a request; false when `limit` requests were already accepted in the last second. */
  allow(key: string): boolean {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((time) => now - time < 1000);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now);
    this.hits.set(key, recent);
    return allowed;
  }

  reset(): void {
    this.hits.clear();
  }
}
