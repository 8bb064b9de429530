/**
 * Counts failed authentications per client address over a sliding minute. Past the limit the
 * address is refused before its token is even looked at, until its oldest failure ages out:
 * guessing tokens is slow, and a misconfigured client cannot hammer the database.
 */
export class FailedAuthenticationLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until this address may try again, or 0 when it may try now. */
  blockedFor(address: string): number {
    const recent = this.recent(address);
    if (recent.length < this.perMinute) return 0;
    return Math.max(1, Math.ceil((recent[0]! + 60_000 - this.now()) / 1000));
  }

  recordFailure(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
    // Keep the map from growing without bound under a spray of addresses.
    if (this.failures.size > 10_000) {
      for (const [key, times] of this.failures) if (times.every((time) => this.now() - time >= 60_000)) this.failures.delete(key);
    }
  }

  private recent(address: string): number[] {
    return (this.failures.get(address) ?? []).filter((time) => this.now() - time < 60_000);
  }
}
