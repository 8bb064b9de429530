/**
 * The time a stream simulator lives by: what it stamps on messages and when its timers (pings,
 * the 100 ms throttle, idle closes, lagged events, automatic market ticks) fire. The system clock
 * runs by itself; a ManualClock moves only when a test says so, which makes "no ping while
 * busy" or "closed after two idle minutes" checkable without waiting and without asserting a
 * timing.
 */

export interface ClockTimer {
  cancel(): void;
}

export interface SimulatorClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `callback` once, `milliseconds` from now. */
  after(milliseconds: number, callback: () => void): ClockTimer;
}

export const systemClock: SimulatorClock = {
  // Sub-millisecond epoch time: send times are compared with a client's receive times.
  now: () => performance.timeOrigin + performance.now(),
  after(milliseconds, callback) {
    const handle = setTimeout(callback, Math.max(0, milliseconds));
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface PendingTimer {
  due: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/** A clock that stands still until `advance()`; due timers fire in due order, ties in the order set. */
export class ManualClock implements SimulatorClock {
  private current: number;
  private timers: PendingTimer[] = [];
  private order = 0;

  constructor(start: number | Date = Date.parse('2025-03-14T10:30:00.000Z')) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  after(milliseconds: number, callback: () => void): ClockTimer {
    const timer: PendingTimer = { due: this.current + Math.max(0, milliseconds), order: this.order++, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Moves time forward, firing every timer that falls due on the way (timers they set included). */
  advance(milliseconds: number): void {
    const target = this.current + milliseconds;
    for (;;) {
      this.timers = this.timers.filter((timer) => !timer.cancelled);
      const next = this.timers
        .filter((timer) => timer.due <= target)
        .sort((left, right) => left.due - right.due || left.order - right.order)[0];
      if (!next) break;
      this.current = Math.max(this.current, next.due);
      next.cancelled = true;
      next.callback();
    }
    this.current = target;
  }

  /** Timers still waiting (for tests that check nothing is left scheduled). */
  get pendingTimers(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }
}

/** A plain listener list: the simulators' state announces changes, the stream servers listen. */
export class Listeners<Event> {
  private readonly listeners = new Set<(event: Event) => void>();

  add(listener: (event: Event) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: Event): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

/** mulberry32: a small seeded generator, so the same seed walks the same market on every machine. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }
}

/**
 * The REST simulators take a `now`, the market and the streams a clock: whichever a caller gives,
 * both are made to tell the same time (a `now` alone still schedules on the system's timers).
 */
export function clockAndNow(clock: SimulatorClock | undefined, now: (() => Date) | undefined): { clock: SimulatorClock; now: () => Date } {
  if (clock) return { clock, now: now ?? (() => new Date(clock.now())) };
  if (now) return { clock: { now: () => now().getTime(), after: systemClock.after }, now };
  return { clock: systemClock, now: () => new Date() };
}
