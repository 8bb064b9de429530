import type { ClockTimer, SimulatorClock } from './clock.js';

/**
 * At most one message per interval for one subscription (T-Invest: an order book per 100 ms;
 * ALOR: the subscription's `frequency`). A change inside the interval waits for its end, and
 * the message then carries the state as it is by then — the latest book, never a queue of them.
 */
export class Throttle {
  private lastSentAt: number | undefined;
  private pending: ClockTimer | undefined;

  constructor(
    private readonly clock: SimulatorClock,
    private readonly intervalMilliseconds: number,
    private readonly send: () => void,
  ) {}

  /** Sends now (a subscription's first message); the interval starts again. */
  sendNow(): void {
    this.pending?.cancel();
    this.pending = undefined;
    this.lastSentAt = this.clock.now();
    this.send();
  }

  changed(): void {
    if (this.pending) return;
    const wait = this.lastSentAt === undefined ? 0 : this.lastSentAt + this.intervalMilliseconds - this.clock.now();
    if (wait <= 0) this.sendNow();
    else this.pending = this.clock.after(wait, () => this.sendNow());
  }

  cancel(): void {
    this.pending?.cancel();
    this.pending = undefined;
  }
}

/**
 * Runs `flush` once, after everything the current request did: one REST call announces several
 * order changes in a row (placed, filled, …), and a portfolio, positions or summary message
 * shows where they ended, not each step.
 */
export function coalesce<Key>(flush: (keys: Set<Key>) => void): (key: Key) => void {
  let waiting: Set<Key> | undefined;
  return (key) => {
    if (!waiting) {
      waiting = new Set();
      queueMicrotask(() => {
        const keys = waiting!;
        waiting = undefined;
        flush(keys);
      });
    }
    waiting.add(key);
  };
}
