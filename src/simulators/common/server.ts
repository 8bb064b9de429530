import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { LoopbackListener } from './loopback.js';

/**
 * The HTTP machinery every broker simulator shares: routing, per-route request counters,
 * in-flight tracking, added latency and injected faults. Each simulator supplies its routes
 * and the error bodies its broker really sends; nothing here knows any broker protocol.
 * Simulators never import adapter code (and adapters never import this).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface SimulatorRequest {
  method: string;
  /** Decoded path segments, e.g. ['md', 'v2', 'Clients', 'MOEX', 'D39004', 'positions']. */
  segments: string[];
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The route's name, as counted. */
  route: string;
}

export interface SimulatorResponse {
  status: number;
  /** A string is sent as is; anything else as JSON. Omit for an empty body. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: HttpMethod;
  /** `/md/v2/Clients/:exchange/:portfolio/positions`; `:name` captures one segment. */
  pattern: string;
  /** The counter key; defaults to `${method} ${pattern}`. */
  name?: string;
  handle(request: SimulatorRequest): SimulatorResponse | Promise<SimulatorResponse>;
}

export type Fault =
  /** Answer with this status; the body defaults to the simulator's own error body for it. */
  | { kind: 'status'; status: number; body?: unknown; contentType?: string; headers?: Record<string, string> }
  /** Close the connection without any response (the broker is down or dropped it). */
  | { kind: 'drop' }
  /** Send the status line and half a body, then reset the connection. */
  | { kind: 'reset-mid-response' }
  /** 200 with a body that is not JSON. */
  | { kind: 'garbage' }
  /** 200 with an empty body. */
  | { kind: 'empty' }
  /** Never answer (the client's timeout must fire). */
  | { kind: 'hang' };

export interface FaultRule {
  /** Route name to affect; all routes when absent. */
  route?: string | undefined;
  fault: Fault;
  /** How many matching requests get the fault; unlimited when absent. */
  times?: number | undefined;
  /** Whether the request is still handled (state changes) before the fault replaces the answer. */
  afterHandling?: boolean | undefined;
  /** Only requests this accepts get the fault (e.g. one account's). */
  when?: ((request: { body: string; query: URLSearchParams; segments: string[] }) => boolean) | undefined;
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
  private faults: FaultRule[] = [];
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
    this.faults.push({ ...rule });
  }

  clearFaults(): void {
    this.faults = [];
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
      const rule = this.takeFault(routeName, { body, query: url.searchParams, segments });
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

  private takeFault(route: string, request: { body: string; query: URLSearchParams; segments: string[] }): FaultRule | undefined {
    const rule = this.faults.find(
      (candidate) => (candidate.route === undefined || candidate.route === route) && (candidate.when === undefined || candidate.when(request)),
    );
    if (!rule) return undefined;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.faults = this.faults.filter((candidate) => candidate !== rule);
    }
    return rule;
  }

  private applyFault(fault: Fault, response: ServerResponse, requestLine: RequestLine): void {
    switch (fault.kind) {
      case 'status': {
        const base = this.options.errorResponse(fault.status, requestLine);
        send(response, {
          status: fault.status,
          body: fault.body ?? base.body,
          contentType: fault.contentType ?? base.contentType,
          headers: { ...base.headers, ...fault.headers },
        });
        return;
      }
      case 'drop':
        response.socket?.destroy();
        return;
      case 'reset-mid-response':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        response.write('{"payload":{"positions":[{"figi":"BBG0');
        setTimeout(() => response.socket?.destroy(), 5);
        return;
      case 'garbage':
        send(response, { status: 200, body: '{"trackingId":"5c1e0a7d", "payload": {<html>', contentType: 'application/json' });
        return;
      case 'empty':
        send(response, { status: 200, contentType: 'application/json' });
        return;
      case 'hang':
        return;
    }
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function send(response: ServerResponse, answer: SimulatorResponse): void {
  if (response.headersSent || response.destroyed) return;
  const text =
    answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body !== undefined || answer.contentType) headers['content-type'] = answer.contentType ?? 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  response.writeHead(answer.status, headers);
  response.end(text);
}

/** Reads a JSON request body; undefined when it is empty or not JSON (the caller answers the broker's 400). */
export function parseJsonBody(body: string): unknown {
  if (!body.trim()) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A per-key sliding window of accepted requests, for brokers' per-token limits: a minute for
 * Tinkoff's, a second for ALOR's. Refused requests do not count.
 */
export class SlidingWindowRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly windowMilliseconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a request; false when `limit` requests were already accepted within the window. */
  allow(key: string, limit: number): boolean {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((time) => now - time < this.windowMilliseconds);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    return true;
  }

  /** Seconds until the oldest request in the window ages out. */
  secondsUntilReset(key: string): number {
    const oldest = (this.hits.get(key) ?? [])[0];
    return oldest === undefined ? 0 : Math.max(1, Math.ceil((this.windowMilliseconds - (this.now() - oldest)) / 1000));
  }
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['authorization'];
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}
