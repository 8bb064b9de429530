import type { GatewayContext } from '../context.js';
import type { Loaders } from '../loaders.js';
import { nextMoment } from '../brokers/single-flight.js';

/**
 * A query's context lives for one request: a deadline of server.requestTimeoutMs, a budget of
 * broker calls, loaders that cache for the request's lifetime, a signal that also fires at the
 * deadline. A subscription keeps its context for as long as it runs, and every event is executed
 * with it — so each event is made a request of its own: a fresh deadline and budget (the same
 * scope object, which AsyncLocalStorage hands to every broker call of the event), loaders made
 * anew only if the event's fields ask for one (an instrument's name is known already), and the
 * subscription's own signal, which fires when the client goes away and never on a timer.
 *
 * Returns what to call at the start of every event.
 */
export function prepareStreamingContext(context: GatewayContext, signal: AbortSignal): () => void {
  const { scope } = context;
  let loaders: Loaders | undefined;
  context.signal = signal;
  Object.defineProperty(context, 'loaders', {
    configurable: true,
    enumerable: true,
    get: () => (loaders ??= context.loadersFor(signal)),
  });
  return () => {
    loaders = undefined;
    scope.deadline = Date.now() + context.requestTimeoutMilliseconds;
    scope.brokerCalls = 0;
    scope.refusedBrokerCalls = 0;
    scope.arrivedAt = nextMoment();
  };
}
