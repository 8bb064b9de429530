import type { HttpMethod, Route, SimulatorRequest, SimulatorResponse } from '../common/server.js';

/**
 * Routing pieces the shared SimulatorServer lacks, kept here rather than changing it:
 * configurable method paths (the closed-trades name, and even the confirmed ones, are
 * guesses or may move), and ASP.NET's distinction between an unknown URI (404) and a known
 * URI asked with the wrong verb (405). The server only knows a route by method + pattern, so
 * catch-all routes — one per segment count, registered last — give both answers with the
 * request URI in the 404 text, as Web API writes it.
 */

export interface InstaforexPaths {
  /** `client/RequestBalanceInformation/{login}` */
  balance: string;
  /** `client/RequestOpenTrades/{login}` */
  openTrades: string;
  /** `client/RequestClosedTrades/{login}` — the real name is unknown (protocol notes §3). */
  closedTrades: string;
}

export const defaultPaths: InstaforexPaths = {
  balance: 'client/RequestBalanceInformation/{login}',
  openTrades: 'client/RequestOpenTrades/{login}',
  closedTrades: 'client/RequestClosedTrades/{login}',
};

/** `client/RequestOpenTrades/{login}` → `/client/RequestOpenTrades/:login`; the path must name `{login}`. */
export function routePattern(path: string): string {
  const segments = path.split('?')[0]!.split('/').filter(Boolean);
  if (!segments.includes('{login}')) throw new Error(`InstaForex simulator path "${path}" must contain a {login} segment`);
  return `/${segments.map((segment) => segment.replace(/^\{(\w+)\}$/, ':$1')).join('/')}`;
}

function patternMatches(pattern: string, segments: string[]): boolean {
  const parts = pattern.split('/').filter(Boolean);
  return (
    parts.length === segments.length &&
    parts.every((part, index) => part.startsWith(':') || part.toLowerCase() === segments[index]!.toLowerCase())
  );
}

const verbs: HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];
/** Deepest path the catch-all answers itself; deeper ones get the server's generic 404. */
const deepestPath = 10;

/**
 * Routes matching any path not served by `known`, for every verb: 405 when some known route has
 * this path under another verb, else 404. Counted as `unmatched`, like the server's own miss.
 */
export function fallbackRoutes(
  known: Route[],
  answer: (status: 404 | 405, request: SimulatorRequest) => SimulatorResponse,
): Route[] {
  const routes: Route[] = [];
  for (let depth = 0; depth <= deepestPath; depth += 1) {
    const pattern = `/${Array.from({ length: depth }, (_, index) => `:segment${index}`).join('/')}`;
    for (const method of verbs) {
      routes.push({
        method,
        pattern,
        name: 'unmatched',
        handle: (request) =>
          answer(known.some((route) => patternMatches(route.pattern, request.segments)) ? 405 : 404, request),
      });
    }
  }
  return routes;
}
