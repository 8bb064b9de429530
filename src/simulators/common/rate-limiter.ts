/**
 * A per-key sliding window of accepted requests, for brokers' per-user limits: a minute for
 * Tinkoff's, a second for ALOR's. Refused requests do not count.
 */
export class SlidingWindowRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly windowMilliseconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `limit` requests were already accepted within the window. */
  isFull(key: string, limit: number): boolean {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((time) => now - time < this.windowMilliseconds);
    this.hits.set(key, recent);
    return recent.length >= limit;
  }

  /** Counts an accepted request. */
  record(key: string): void {
    const recent = this.hits.get(key) ?? [];
    recent.push(this.now());
    this.hits.set(key, recent);
  }

  /** Seconds until the oldest request in the window ages out. */
  secondsUntilReset(key: string): number {
    const oldest = (this.hits.get(key) ?? [])[0];
    return oldest === undefined ? 0 : Math.max(1, Math.ceil((this.windowMilliseconds - (this.now() - oldest)) / 1000));
  }
}
