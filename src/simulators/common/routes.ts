import type { HttpMethod, SimulatorRequest, SimulatorResponse } from './http.js';
import type { SimulatedLimits } from './limits.js';
import type { Route } from './server.js';

/**
 * The request pipeline every simulated broker shares: auth → limits → parse → handler →
 * broker-shaped answer. A simulator states its broker's conventions once (how a caller is
 * recognised, whose budget a request draws from, how success and a spent limit are written);
 * its server file is then the list of its broker's endpoints, each a route definition in the
 * manner of Fastify's route options: `{ method, path, name, auth, body, handle }`.
 *
 * Anything the broker refuses — a bad credential, an unreadable body, a business error — is
 * thrown as a `BrokerRefusal` carrying the broker's own answer, from wherever it is found.
 */

/** A refusal in the broker's own words: its status, headers and body. */
export class BrokerRefusal extends Error {
  constructor(
    readonly response: SimulatorResponse,
    message = `HTTP ${response.status}`,
  ) {
    super(message);
  }
}

/** A handler's complete answer (status, content type, headers), where a plain value means the broker's success. */
export class Reply {
  constructor(readonly response: SimulatorResponse) {}
}

export interface RouteCall<Caller, Body> {
  request: SimulatorRequest;
  caller: Caller;
  body: Body;
}

interface RouteOptions<Body> {
  method: HttpMethod;
  /** Below the API base: `/orders/cancel`; `:name` captures one segment. */
  path: string;
  /** The request counter's name (tests and the benchmark use it); `${method} ${base}${path}` when absent. */
  name?: string;
  /** Reads the request body before the handler runs; throws the broker's refusal when it cannot. */
  body?: (text: string) => Body;
}

/** `auth`: what the route requires of a caller (passed to `authenticate`), or `false` for an anonymous route. */
export type RouteDefinition<Caller, Requirement, Body> =
  | (RouteOptions<Body> & { auth: Requirement; handle(call: RouteCall<Caller, Body>): unknown })
  | (RouteOptions<Body> & { auth: false; handle(call: RouteCall<undefined, Body>): unknown });

export interface BrokerConventions<Caller, Requirement> {
  /** The path below which the API lives (`/rest`, `/openapi`); the limits table's paths are below it too. */
  base?: string;
  /** The caller a request's credential names, if it meets the route's requirement; else throws the broker's refusal. */
  authenticate(request: SimulatorRequest, requirement: Requirement): Caller;
  limits: SimulatedLimits;
  /** Whose budget a caller's requests draw from: a token, a user. */
  limitKey(caller: Caller): string;
  /** The broker's answer to a request past one of its limits (required where a limit is enforced). */
  limited?(refusal: { limit: number; retryAfterSeconds: number }): SimulatorResponse;
  /** A handler's value as the broker's success answer. */
  success(value: unknown): SimulatorResponse;
  /** Headers on every answer of the API, refusals included; `limit` is the route's, once the caller is known. */
  headers?(limit: number | undefined): Record<string, string>;
}

/** Returns the function that turns one route definition into a served route. */
export function routeTable<Caller, Requirement>(conventions: BrokerConventions<Caller, Requirement>) {
  const base = conventions.base ?? '';
  return function route<Body = undefined>(definition: RouteDefinition<Caller, Requirement, Body>): Route {
    const limits = definition.auth === false ? [] : conventions.limits.forRoute(definition.method, definition.path);
    const limited = conventions.limited;
    if (limits.length > 0 && !limited) throw new Error(`${definition.path} has a limit but the simulator cannot refuse a request past it`);
    return {
      method: definition.method,
      pattern: `${base}${definition.path}`,
      name: definition.name ?? `${definition.method} ${base}${definition.path}`,
      handle(request) {
        let limit: number | undefined;
        const answer = (response: SimulatorResponse): SimulatorResponse =>
          conventions.headers ? { ...response, headers: { ...conventions.headers(limit), ...response.headers } } : response;
        try {
          const caller = definition.auth === false ? undefined : conventions.authenticate(request, definition.auth);
          if (caller !== undefined) {
            const check = conventions.limits.check(conventions.limitKey(caller), limits);
            limit = check.limit;
            if (!check.allowed) return answer(limited!(check));
          }
          const body = (definition.body ? definition.body(request.body) : undefined) as Body;
          // `caller` is undefined exactly when the route is anonymous, as the definition's union says.
          const value = (definition.handle as (call: RouteCall<Caller | undefined, Body>) => unknown)({ request, caller, body });
          return answer(value instanceof Reply ? value.response : conventions.success(value));
        } catch (error) {
          if (error instanceof BrokerRefusal) return answer(error.response);
          throw error;
        }
      },
    };
  };
}
