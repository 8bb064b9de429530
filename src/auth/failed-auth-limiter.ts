/**
 * Counts failed authentications per client address over a sliding minute. Past the limit, the
 * address's failures are answered 429 instead of 401 until its oldest failure in the window ages
 * out; failures keep counting meanwhile, so a guesser that keeps going stays refused. Only
 * failures are throttled: a valid token is served whatever its address has done (see
 * authenticateRequest), because one address can be a whole NAT, every app on one host, or a
 * proxy brokerql was not told to trust.
 */
export class FailedAuthenticationLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until this address's failures are answered 401 again, or 0 when they are now. */
  blockedFor(address: string): number {
    const recent = this.recent(address);
    if (recent.length < this.perMinute) return 0;
    return Math.max(1, Math.ceil((recent[0]! + 60_000 - this.now()) / 1000));
  }

  recordFailure(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    // The newest `perMinute` failures decide whether the address is refused and until when; a
    // flood of failures from one address must not grow its list without bound.
    if (recent.length > this.perMinute) recent.splice(0, recent.length - this.perMinute);
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
