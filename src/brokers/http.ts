import { Agent } from 'undici';
import { InternalError } from '../errors.js';
import { exchange } from './exchange.js';
import { isPlainPath } from './identifiers.js';
import { currentRequestScope, reserveBrokerCall } from '../request-scope.js';
import { backoffDelay, retryAfterMilliseconds } from './resilience/backoff.js';
import type { ConnectionPolicy } from './resilience/policy.js';
import type { CallPriority } from './resilience/quota.js';
import { transportError } from './transport-errors.js';

/**
 * The HTTP transport every adapter uses: one keep-alive pool per connection, a connect and a
 * total timeout on every call, and network failures turned into brokerql errors whose
 * messages name the broker, never the URL (which could carry a secret in its query).
 * With a connection policy it also keeps to the broker's request budget, fails fast while the
 * broker is down (circuit breaker), and retries reads — never orders — on connection errors,
 * 5xx and a 429 that says when to come back, all within the GraphQL request's deadline.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface UpstreamRequest {
  method: HttpMethod;
  /**
   * Path below the base URL, starting with '/'. Dynamic parts are only ever values that passed the
   * broker's grammar (`src/brokers/<broker>/identifiers.ts`), never encoded user strings.
   */
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  /** A stable label for the call (e.g. "UsersService/GetAccounts"), used for metrics and logs. */
  route: string;
  signal?: AbortSignal | undefined;
  /**
   * Whether repeating the call is harmless. Defaults to true for GET only: POST reads (T-Invest
   * v2) say so explicitly, and order placement never does.
   */
  retryable?: boolean | undefined;
  /** Orders go ahead of queued reads in the connection's budget. Default 'read'. */
  priority?: CallPriority | undefined;
  /** 'authentication' for calls that obtain a broker access token (counted as token refreshes). */
  purpose?: 'authentication' | undefined;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface UpstreamCall {
  connection: string;
  route: string;
  method: HttpMethod;
  /** Absent when no HTTP response arrived (refused, reset, timed out). */
  status: number | undefined;
  durationMilliseconds: number;
  errorCode: string | undefined;
  purpose: 'authentication' | undefined;
}

/** Sees every upstream call (metrics, logs, per-request call counts). */
export type UpstreamObserver = (call: UpstreamCall) => void;

export interface UpstreamClientOptions {
  connection: string;
  /** Human name of the broker for messages: "T-Invest", "ALOR", ... */
  brokerLabel: string;
  baseUrl: string;
  connectTimeoutMilliseconds: number;
  timeoutMilliseconds: number;
  observer?: UpstreamObserver | undefined;
  /** Budget, circuit breaker and retries of this connection; none when absent. */
  policy?: ConnectionPolicy | undefined;
  /**
   * Whether a response means the broker itself is failing (counts toward the circuit breaker, and
   * a read is retried). Default: any 5xx. Tinkoff v1 answers ordinary refusals with 500 too.
   */
  isBrokerFailure?: ((response: UpstreamResponse) => boolean) | undefined;
}

/** Upstream bodies are small JSON documents; anything larger is a broken or hostile upstream. */
const maximumResponseBytes = 16 * 1024 * 1024;
/** Without a GraphQL request around the call (CLI commands), allow a few attempts' worth. */
const detachedDeadlineFactor = 3;

export class UpstreamClient {
  private readonly agent: Agent;
  /** The base URL's scheme, host and port. */
  private readonly origin: string;
  /** The base URL's path ("/rest"), without a trailing slash; request paths go below it. */
  private readonly basePath: string;

  constructor(private readonly options: UpstreamClientOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMilliseconds },
      keepAliveTimeout: 10_000,
      maxResponseSize: maximumResponseBytes,
    });
  }

  get connection(): string {
    return this.options.connection;
  }

  async send(upstreamRequest: UpstreamRequest): Promise<UpstreamResponse> {
    if (!isPlainPath(upstreamRequest.path)) {
      // Identifiers are checked before paths are built: reaching this is a bug, and nothing is sent.
      throw new InternalError(`refusing to send ${upstreamRequest.route} to ${this.options.brokerLabel}: its path is not built from checked identifiers`, {
        connection: this.options.connection,
        mayHaveReachedBroker: false,
      });
    }
    const { policy, timeoutMilliseconds } = this.options;
    const scope = currentRequestScope();
    const deadline = scope?.deadline ?? Date.now() + timeoutMilliseconds * detachedDeadlineFactor;
    const retryable = upstreamRequest.retryable ?? upstreamRequest.method === 'GET';
    const retries = policy && retryable ? policy.readRetries : 0;
    for (let attempt = 0; ; attempt++) {
      const canRetry = (delay: number) => attempt < retries && Date.now() + delay < deadline;
      const giveBack = reserveBrokerCall(scope);
      let release: (() => void) | undefined;
      try {
        policy?.breaker.check();
        release = await policy?.quota.acquire({
          route: `${upstreamRequest.method} ${upstreamRequest.path}`,
          // An order is never background work; any read made for brokerql's own sync is.
          priority: upstreamRequest.priority === 'order' ? 'order' : scope?.background ? 'background' : (upstreamRequest.priority ?? 'read'),
          client: scope?.client,
          deadline,
          signal: upstreamRequest.signal,
        });
      } catch (error) {
        giveBack();
        throw error;
      }
      let response: UpstreamResponse;
      try {
        response = await this.attempt(upstreamRequest, Math.min(timeoutMilliseconds, deadline - Date.now()));
      } catch (error) {
        // The caller went away (client disconnected, request deadline): says nothing about the broker.
        if (upstreamRequest.signal?.aborted) throw error;
        policy?.breaker.recordFailure();
        const delay = backoffDelay(attempt);
        if (!canRetry(delay) || (error as { code?: unknown }).code === 'UPSTREAM_TIMEOUT') throw error;
        await sleep(delay, upstreamRequest.signal);
        continue;
      } finally {
        release?.();
      }
      if ((this.options.isBrokerFailure ?? isServerError)(response)) {
        policy?.breaker.recordFailure();
        const delay = backoffDelay(attempt);
        if (canRetry(delay)) {
          await sleep(delay, upstreamRequest.signal);
          continue;
        }
        return response;
      }
      policy?.breaker.recordSuccess();
      if (response.status === 429) {
        // A broker that says when to come back is waited for, if the deadline allows it.
        const wait = retryAfterMilliseconds(headerValue(response.headers, 'retry-after'));
        if (wait !== undefined && canRetry(wait)) {
          await sleep(wait, upstreamRequest.signal);
          continue;
        }
      }
      return response;
    }
  }

  /** One HTTP exchange, observed. */
  private async attempt(upstreamRequest: UpstreamRequest, timeoutMilliseconds: number): Promise<UpstreamResponse> {
    const { connection, observer } = this.options;
    const timeout = Math.max(1, timeoutMilliseconds);
    const started = performance.now();
    const report = (status: number | undefined, errorCode: string | undefined) =>
      observer?.({
        connection,
        route: upstreamRequest.route,
        method: upstreamRequest.method,
        status,
        durationMilliseconds: performance.now() - started,
        errorCode,
        purpose: upstreamRequest.purpose,
      });
    try {
      const response = await exchange(this.agent, {
        origin: this.origin,
        path: this.basePath + upstreamRequest.path + queryString(upstreamRequest.query),
        method: upstreamRequest.method,
        headers: upstreamRequest.headers,
        body: upstreamRequest.body,
        timeoutMilliseconds: timeout,
        signal: upstreamRequest.signal,
      });
      report(response.status, undefined);
      return response;
    } catch (error) {
      const mapped = transportError(error, { connection, brokerLabel: this.options.brokerLabel, timeoutMilliseconds: timeout });
      report(undefined, mapped.code);
      throw mapped;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function isServerError(response: UpstreamResponse): boolean {
  return response.status >= 500;
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function queryString(query: UpstreamRequest['query']): string {
  if (!query) return '';
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) parameters.append(key, String(value));
  }
  const text = parameters.toString();
  return text ? `?${text}` : '';
}

export function headerValue(headers: UpstreamResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A 429's Retry-After (seconds or an HTTP date) in whole seconds for RATE_LIMITED; undefined when absent. */
export function retryAfterSeconds(response: UpstreamResponse): number | undefined {
  const milliseconds = retryAfterMilliseconds(headerValue(response.headers, 'retry-after'));
  return milliseconds === undefined ? undefined : Math.max(1, Math.ceil(milliseconds / 1000));
}
