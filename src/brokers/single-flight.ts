import { currentRequestScope } from '../request-scope.js';

/**
 * Shares one upstream call among everyone who asks for the same thing while it is in flight:
 * ten clients asking for one account's portfolio at once cause one GetPortfolio, and a query
 * whose portfolio and orders both read an account's open trades sends one request.
 *
 * Sharing is not caching: no answer may be older than the request it answers. A call that
 * started before a request arrived may already have been answered by the broker from the state
 * before it (a client that has just placed an order and now reads its portfolio would see it
 * without the order), so a request joins only calls that started after it arrived; a later one
 * starts its own call, which later requests then join. Which came first is told by a counter,
 * not a clock: two events in the same millisecond still have an order. Nothing is kept once a
 * call settles.
 *
 * The shared call runs with a signal of its own that aborts only when every caller waiting on it
 * has gone away, so one client that leaves cannot fail the others. It runs in the request scope
 * of the caller that started it (that request's deadline, its tally of broker calls); a refusal
 * that belongs to that request alone (its broker-call budget is spent) is not passed on to the
 * others, who then make the call themselves.
 */

let lastMoment = 0;

/** A strictly increasing number per event in this process. */
export function nextMoment(): number {
  lastMoment += 1;
  return lastMoment;
}

/** Errors that say something about the request that started a call, not about the broker. */
export interface RequestScopedError {
  readonly scopedToRequest: true;
}

function isRequestScoped(error: unknown): error is RequestScopedError {
  return typeof error === 'object' && error !== null && (error as Partial<RequestScopedError>).scopedToRequest === true;
}

interface SharedCall {
  key: string;
  startedAt: number;
  result: Promise<unknown>;
  controller: AbortController;
  /** Callers still waiting; the call is aborted when the last one goes away. */
  waiting: number;
}

export class InFlight {
  private readonly running = new Map<string, SharedCall>();

  /**
   * `keys[0]` names this call; further keys name calls whose answer would do as well (a
   * portfolio with more parts than asked). `signal` is the caller's own.
   */
  run<Value>(keys: string | readonly string[], start: (signal: AbortSignal) => Promise<Value>, signal?: AbortSignal): Promise<Value> {
    const candidates = typeof keys === 'string' ? [keys] : keys;
    const arrivedAt = currentRequestScope()?.arrivedAt ?? nextMoment();
    for (const key of candidates) {
      const call = this.running.get(key);
      if (call && call.startedAt > arrivedAt) {
        return this.join<Value>(call, signal).catch((error: unknown) => {
          if (isRequestScoped(error)) return this.start(candidates[0]!, start, signal);
          throw error;
        });
      }
    }
    return this.start(candidates[0]!, start, signal);
  }

  private start<Value>(key: string, start: (signal: AbortSignal) => Promise<Value>, signal: AbortSignal | undefined): Promise<Value> {
    const controller = new AbortController();
    const call: SharedCall = { key, startedAt: nextMoment(), controller, waiting: 0, result: Promise.resolve() };
    call.result = start(controller.signal).finally(() => this.forget(call));
    this.running.set(key, call);
    return this.join<Value>(call, signal);
  }

  private join<Value>(call: SharedCall, signal: AbortSignal | undefined): Promise<Value> {
    call.waiting += 1;
    const result = call.result as Promise<Value>;
    if (!signal) return result;
    if (signal.aborted) {
      this.leave(call, signal.reason);
      return Promise.reject(signal.reason as Error);
    }
    return new Promise<Value>((resolve, reject) => {
      const onAbort = () => {
        this.leave(call, signal.reason);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private leave(call: SharedCall, reason: unknown): void {
    call.waiting -= 1;
    if (call.waiting > 0) return;
    // Nobody wants the answer any more: stop it, and let no newcomer join a call being stopped.
    this.forget(call);
    call.controller.abort(reason);
  }

  private forget(call: SharedCall): void {
    if (this.running.get(call.key) === call) this.running.delete(call.key);
  }
}
