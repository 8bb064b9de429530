import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every broker call made on behalf of one GraphQL request should know without each
 * adapter passing it along: the request's deadline (retries and queueing never go past it),
 * and a tally of broker calls for the request's log line.
 */
export interface RequestScope {
  /** Epoch milliseconds. */
  deadline: number;
  brokerCalls: number;
  /** When the request arrived, as a `nextMoment()` of brokers/single-flight.ts: which calls in flight it may share (absent: none that started before now). */
  arrivedAt?: number | undefined;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, run: () => T): T {
  return storage.run(scope, run);
}

/** Makes `scope` current for the rest of this async call chain (used by the GraphQL context factory). */
export function enterRequestScope(scope: RequestScope): void {
  storage.enterWith(scope);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}
