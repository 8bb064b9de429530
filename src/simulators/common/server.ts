import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { applyFault, FaultRules, type Fault, type FaultRule } from './faults.js';
import { readBody, send, type HttpMethod, type SimulatorRequest, type SimulatorResponse } from './http.js';
import { LoopbackListener } from './loopback.js';

export type { Fault, FaultRule } from './faults.js';

/**
 * The HTTP machinery every broker simulator shares: routing, per-route request counters,
 * in-flight tracking, added latency and injected faults. Each simulator supplies its routes
 * (built by ./routes.ts from its broker's route table) and the error bodies its broker really
 * sends; nothing here knows any broker protocol. Simulators never import adapter code — only
 * the brokers' published limits — and adapters never import simulators.
 */

export interface Route {
  method: HttpMethod;
  /** `/md/v2/Clients/:exchange/:portfolio/positions`; `:name` captures one segment. */
  pattern: string;
  /** The counter key; defaults to `${method} ${pattern}`. */
  name?: string;
  handle(request: SimulatorRequest): SimulatorResponse | Promise<SimulatorResponse>;
}

export interface SimulatorOptions {
  name: string;
  routes: Route[];
  /** Literal path segments compare case-insensitively (IIS, ALOR's Clients/clients). */
  caseInsensitivePaths?: boolean;
  /**
   * A path served under another method answers 405 rather than 404 (ASP.NET Web API); otherwise
   * every unmatched request is a 404.
   */
  methodNotAllowed?: boolean;
  /** The broker's body for an error status (used by faults and unmatched routes), for this request. */
  errorResponse(status: number, request: RequestLine): SimulatorResponse;
}

/** What an error body may quote: the method and the path with its query, as the client sent them. */
export interface RequestLine {
  method: string;
  url: string;
}

interface CompiledRoute extends Route {
  name: string;
  parts: Array<{ literal: string } | { parameter: string }>;
}

export class SimulatorServer {
  private readonly routes: CompiledRoute[];
  private readonly fold: (text: string) => string;
  private readonly counts = new Map<string, number>();
  private readonly listener = new LoopbackListener(() => createServer((request, response) => void this.dispatch(request, response)));
  private latencyMilliseconds = 0;
  private readonly routeLatency = new Map<string, number>();
  private readonly faults = new FaultRules();
  private holds: Array<{ route: string | undefined; gate: Promise<void> }> = [];
  private inFlight = 0;
  private peakInFlight = 0;
  private requestLog: Array<{ route: string; path: string; headers: IncomingHttpHeaders; body: string; query: string }> = [];

  constructor(private readonly options: SimulatorOptions) {
    this.fold = options.caseInsensitivePaths ? (text) => text.toLowerCase() : (text) => text;
    this.routes = options.routes.map((route) => ({
      ...route,
      name: route.name ?? `${route.method} ${route.pattern}`,
      parts: route.pattern
        .split('/')
        .filter(Boolean)
        .map((part) => (part.startsWith(':') ? { parameter: part.slice(1) } : { literal: part })),
    }));
  }

  get name(): string {
    return this.options.name;
  }

  /** http://127.0.0.1:<port> */
  get url(): string {
    return `http://127.0.0.1:${this.listener.port}`;
  }

  async start(port?: number): Promise<string> {
    await this.listener.start(port);
    return this.url;
  }

  /** Stops listening: clients get "connection refused" until `start()` again (same port). */
  async stop(): Promise<void> {
    await this.listener.stop();
  }

  // ---- switches -------------------------------------------------------------------------

  /** Added before every answer (all routes), or for one route. */
  setLatency(milliseconds: number, route?: string): void {
    if (route === undefined) this.latencyMilliseconds = milliseconds;
    else this.routeLatency.set(route, milliseconds);
  }

  /**
   * Holds matching requests (every route, or one) before they are handled, until the returned
   * function is called: how a test keeps broker calls in flight for as long as it needs.
   */
  hold(route?: string): () => void {
    let open!: () => void;
    const entry = { route, gate: new Promise<void>((resolve) => (open = resolve)) };
    this.holds.push(entry);
    return () => {
      this.holds = this.holds.filter((candidate) => candidate !== entry);
      open();
    };
  }

  /** Requests being handled right now (held ones included). */
  get concurrentRequests(): number {
    return this.inFlight;
  }

  injectFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  // ---- counters -------------------------------------------------------------------------

  /** Requests per route name (every request that reached the server, faulted or not). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([left], [right]) => left.localeCompare(right)));
  }

  requestCount(route?: string): number {
    if (route === undefined) return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
    return this.counts.get(route) ?? 0;
  }

  /** The most requests that were being handled at the same moment since the last reset. */
  get peakConcurrentRequests(): number {
    return this.peakInFlight;
  }

  /** Recent requests (route, path as sent on the wire, headers, body, query) — for asserting what an adapter sent. */
  recentRequests(route?: string) {
    return route === undefined ? [...this.requestLog] : this.requestLog.filter((entry) => entry.route === route);
  }

  resetCounters(): void {
    this.counts.clear();
    this.peakInFlight = this.inFlight;
    this.requestLog = [];
  }

  // ---- dispatch -------------------------------------------------------------------------

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    response.on('close', () => {
      this.inFlight -= 1;
    });
    const requestLine: RequestLine = { method: request.method ?? 'GET', url: request.url ?? '/' };
    try {
      const body = await readBody(request);
      const url = new URL(request.url ?? '/', 'http://simulator');
      const segments = url.pathname.split('/').filter(Boolean).map(safeDecode);
      const match = this.match(request.method ?? 'GET', segments);
      const routeName = match?.route.name ?? 'unmatched';
      this.counts.set(routeName, (this.counts.get(routeName) ?? 0) + 1);
      const path = (request.url ?? '/').split('?')[0]!;
      this.requestLog.push({ route: routeName, path, headers: request.headers, body, query: url.search });
      if (this.requestLog.length > 500) this.requestLog.shift();

      // The broker works while the bytes travel: an answer goes out `latency` after the request
      // arrived, or as soon as it is ready if building it took longer. (Waiting first and working
      // after would add this one process's queue of work to every answer.)
      const arrived = performance.now();
      const latency = this.routeLatency.get(routeName) ?? this.latencyMilliseconds;
      const travel = async () => {
        const remaining = latency - (performance.now() - arrived);
        if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
      };

      for (const held of this.holds) if (held.route === undefined || held.route === routeName) await held.gate;
      const rule = this.faults.take(routeName, { body, query: url.searchParams, segments });
      if (rule && !rule.afterHandling) {
        await travel();
        return this.applyFault(rule.fault, response, requestLine);
      }
      const answer = match
        ? await match.route.handle({
            method: request.method ?? 'GET',
            segments,
            params: match.params,
            query: url.searchParams,
            headers: request.headers,
            body,
            route: routeName,
          })
        : this.options.errorResponse(this.unmatchedStatus(request.method ?? 'GET', segments), requestLine);
      await travel();
      if (rule) return this.applyFault(rule.fault, response, requestLine);
      send(response, answer);
    } catch (error) {
      send(response, this.options.errorResponse(500, requestLine));
      console.error(`[${this.options.name} simulator] handler failed:`, error);
    }
  }

  private unmatchedStatus(method: string, segments: string[]): 404 | 405 {
    if (!this.options.methodNotAllowed) return 404;
    const elsewhere = this.routes.some((route) => route.method !== method && this.matchRoute(route, segments) !== undefined);
    return elsewhere ? 405 : 404;
  }

  private match(method: string, segments: string[]) {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = this.matchRoute(route, segments);
      if (params) return { route, params };
    }
    return undefined;
  }

  /** The route's parameters when its pattern fits these path segments. */
  private matchRoute(route: CompiledRoute, segments: string[]): Record<string, string> | undefined {
    if (route.parts.length !== segments.length) return undefined;
    const fold = this.fold;
    const params: Record<string, string> = {};
    const matches = route.parts.every((part, index) => {
      const segment = segments[index]!;
      if ('parameter' in part) {
        params[part.parameter] = segment;
        return true;
      }
      return fold(part.literal) === fold(segment);
    });
    return matches ? params : undefined;
  }

  private applyFault(fault: Fault, response: ServerResponse, requestLine: RequestLine): void {
    applyFault(fault, response, (status) => this.options.errorResponse(status, requestLine));
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
