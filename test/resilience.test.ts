import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, retryAfterMilliseconds } from '../src/brokers/resilience/backoff.js';
import { CircuitBreaker } from '../src/brokers/resilience/circuit-breaker.js';
import { ConnectionQuota, type QuotaBucket } from '../src/brokers/resilience/quota.js';
import { RateLimitedError } from '../src/errors.js';

const everything = (perSecond: number, burst: number): QuotaBucket => ({ name: 'all', matches: () => true, perSecond, burst });

describe('connection quota', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const farDeadline = () => Date.now() + 60_000;

  it('lets a burst through at once, then paces requests at the sustained rate, never more than the limit within its period', async () => {
    // Two calls per two seconds.
    const quota = new ConnectionQuota('tbank', { buckets: [everything(1, 2)], maxConcurrent: 10 });
    const granted: number[] = [];
    for (let index = 0; index < 6; index++) {
      void quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline() }).then((release) => {
        granted.push(index);
        release();
      });
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toEqual([0, 1]);
    // A token has come back, but the two of the first second are still within the period.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(granted).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(granted).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps a sustained flow after a quiet spell within "N a minute" in every minute', async () => {
    const quota = new ConnectionQuota('tbank', { buckets: [everything(200 / 60, 200)], maxConcurrent: 1_000 });
    const grantedAt: number[] = [];
    for (let index = 0; index < 500; index++) {
      void quota.acquire({ route: 'x', priority: 'background', deadline: Date.now() + 3_600_000 }).then((release) => {
        grantedAt.push(Date.now());
        release();
      });
    }
    await vi.advanceTimersByTimeAsync(300_000);
    expect(grantedAt).toHaveLength(500);
    const mostInAMinute = Math.max(...grantedAt.map((start) => grantedAt.filter((time) => time >= start && time < start + 60_000).length));
    expect(mostInAMinute).toBeLessThanOrEqual(200);
  });

  it('counts a call\'s period from its answer, so a call slow to reach the broker cannot start the next period early', async () => {
    // Two calls a second. The first two take 400 ms to be answered: the broker may have received
    // them just before answering, so the next two wait a whole second from then, not from sending.
    const quota = new ConnectionQuota('alor', { buckets: [everything(2, 2)], maxConcurrent: 10 });
    const grantedAt: number[] = [];
    for (let index = 0; index < 4; index++) {
      void quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline() }).then((release) => {
        grantedAt.push(Date.now());
        setTimeout(release, index < 2 ? 400 : 0);
      });
    }
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(grantedAt.map((time) => time - start)).toEqual([0, 0]);
    await vi.advanceTimersByTimeAsync(400);
    expect(grantedAt.map((time) => time - start)).toEqual([0, 0, 1_400, 1_400]);
  });

  it('serves a queued order before reads that were queued earlier', async () => {
    const quota = new ConnectionQuota('tbank', { buckets: [everything(1, 1)], maxConcurrent: 10 });
    const order: string[] = [];
    const take = (name: string, priority: 'order' | 'read') =>
      quota.acquire({ route: 'x', priority, deadline: farDeadline() }).then((release) => {
        order.push(name);
        release();
      });
    void take('read-1', 'read');
    void take('read-2', 'read');
    void take('read-3', 'read');
    void take('order', 'order');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(order).toEqual(['read-1', 'order', 'read-2', 'read-3']);
  });

  it('refuses at once with RATE_LIMITED when the wait would pass the deadline', async () => {
    const quota = new ConnectionQuota('tbank', { buckets: [everything(1, 1)], maxConcurrent: 10 });
    await quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline() });
    const refused = quota.acquire({ route: 'x', priority: 'read', deadline: Date.now() + 200 });
    await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
    await expect(refused).rejects.toMatchObject({ connection: 'tbank', retryAfterSeconds: 1, retryable: true });
  });

  it('caps requests in flight and lets the next one go when one finishes', async () => {
    const quota = new ConnectionQuota('tbank', { buckets: [], maxConcurrent: 2 });
    const first = await quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline() });
    await quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline() });
    let thirdGranted = false;
    void quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline() }).then(() => (thirdGranted = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(thirdGranted).toBe(false);
    expect(quota.snapshot()).toEqual({ inFlight: 2, queuedOrders: 0, queuedReads: 1, queuedBackground: 0 });
    first();
    first();
    await vi.advanceTimersByTimeAsync(0);
    expect(thirdGranted).toBe(true);
    expect(quota.snapshot().inFlight).toBe(2);
  });

  it('only draws from the buckets whose routes match', async () => {
    const orders: QuotaBucket = { name: 'orders', matches: (route) => route.startsWith('orders'), perSecond: 1, burst: 1 };
    const quota = new ConnectionQuota('tbank', { buckets: [orders], maxConcurrent: 10 });
    await quota.acquire({ route: 'orders/post', priority: 'order', deadline: farDeadline() });
    // The order bucket is empty, reads are not limited by it.
    await expect(quota.acquire({ route: 'portfolio', priority: 'read', deadline: Date.now() + 10 })).resolves.toBeTypeOf('function');
    await expect(quota.acquire({ route: 'orders/post', priority: 'order', deadline: Date.now() + 10 })).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('drops a queued request whose deadline passes or whose caller goes away', async () => {
    const quota = new ConnectionQuota('tbank', { buckets: [], maxConcurrent: 1 });
    await quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline() });
    const late = quota.acquire({ route: 'x', priority: 'read', deadline: Date.now() + 500 }).catch((error: unknown) => error);
    const controller = new AbortController();
    const abandoned = quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline(), signal: controller.signal });
    controller.abort(new Error('client went away'));
    await expect(abandoned).rejects.toThrow('client went away');
    await vi.advanceTimersByTimeAsync(600);
    expect(await late).toBeInstanceOf(RateLimitedError);
    expect(quota.snapshot()).toEqual({ inFlight: 1, queuedOrders: 0, queuedReads: 0, queuedBackground: 0 });
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, fails fast during the cool-down, then lets one probe through', () => {
    let now = 0;
    const states: string[] = [];
    const breaker = new CircuitBreaker('alor', 'ALOR', {
      failureThreshold: 3,
      coolDownMilliseconds: 10_000,
      now: () => now,
      onStateChange: (state) => states.push(state),
    });
    breaker.check();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.snapshot().state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', consecutiveFailures: 3, failingSince: new Date(0).toISOString() });
    expect(() => breaker.check()).toThrow(/ALOR is failing/);
    expect(() => breaker.check()).toThrow(expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', connection: 'alor', retryable: true }));
    now = 10_000;
    breaker.check();
    expect(breaker.snapshot().state).toBe('half-open');
    expect(() => breaker.check()).toThrow(/failing/);
    breaker.recordFailure();
    expect(breaker.snapshot().state).toBe('open');
    now = 20_000;
    breaker.check();
    breaker.recordSuccess();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0, failingSince: null });
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('forgets failures once a call succeeds', () => {
    const breaker = new CircuitBreaker('x', 'X', { failureThreshold: 2, coolDownMilliseconds: 1000 });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.snapshot().state).toBe('closed');
  });
});

describe('backoff', () => {
  it('grows exponentially with full jitter and stays under the cap', () => {
    expect(backoffDelay(0, () => 0.999)).toBe(99);
    expect(backoffDelay(3, () => 0.5)).toBe(400);
    expect(backoffDelay(10, () => 0.999)).toBe(1998);
    expect(backoffDelay(2, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMilliseconds('3')).toBe(3000);
    expect(retryAfterMilliseconds('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMilliseconds(undefined)).toBeUndefined();
    expect(retryAfterMilliseconds('soon')).toBeUndefined();
  });
});
