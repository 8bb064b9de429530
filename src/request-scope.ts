import { AsyncLocalStorage } from 'node:async_hooks';
import { BrokerCallBudgetError } from './errors.js';

/**
 * What every broker call made on behalf of one GraphQL request should know without each
 * adapter passing it along: the request's deadline (retries and queueing never go past it),
 * and a tally of broker calls for the request's log line and its budget.
 */
export interface RequestScope {
  /** Epoch milliseconds. */
  deadline: number;
  brokerCalls: number;
  /** When the request arrived, as a `nextMoment()` of brokers/single-flight.ts: which calls in flight it may share (absent: none that started before now). */
  arrivedAt?: number | undefined;
  /** Whose request this is (the brokerql token id, once authenticated): broker budgets are shared fairly between clients. */
  client?: string | undefined;
  /** The most broker calls the request may make (server.limits.maxBrokerCallsPerRequest); unlimited when absent. */
  maxBrokerCalls?: number | undefined;
  /** Calls refused because the budget was spent. */
  refusedBrokerCalls?: number | undefined;
  /**
   * Work brokerql does for itself, not for a waiting client (the operations journal's sync): its
   * reads wait behind every client's in the connection's budget (resilience/quota.ts).
   */
  background?: boolean | undefined;
}

/**
 * Counts one broker call (an attempt: a retry is a call too) against the request's budget, or
 * refuses it when the budget is spent. Returns the function that gives the call back if it is
 * never sent after all (refused by the circuit breaker or the connection's quota).
 */
export function reserveBrokerCall(scope: RequestScope | undefined): () => void {
  if (!scope) return () => undefined;
  if (scope.maxBrokerCalls !== undefined && scope.brokerCalls >= scope.maxBrokerCalls) {
    scope.refusedBrokerCalls = (scope.refusedBrokerCalls ?? 0) + 1;
    throw new BrokerCallBudgetError(scope.maxBrokerCalls);
  }
  scope.brokerCalls += 1;
  let returned = false;
  return () => {
    if (returned) return;
    returned = true;
    scope.brokerCalls -= 1;
  };
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

/**
 * Runs `run` outside any request's scope. Work done for everyone (a shared upstream stream, its
 * timers and sockets) must not inherit the deadline and broker-call budget of the request that
 * happened to start it: timers and sockets created here carry no scope either.
 */
export function outsideRequestScope<T>(run: () => T): T {
  return storage.exit(run);
}
