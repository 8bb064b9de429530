import { Agent, errors as undiciErrors, request } from 'undici';
import { BadUserInputError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.js';

/**
 * The HTTP transport every adapter uses: one keep-alive pool per connection, a connect and a
 * total timeout on every call, and network failures turned into brokerql errors whose
 * messages name the broker, never the URL (which could carry a secret in its query).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface UpstreamRequest {
  method: HttpMethod;
  /** Path below the base URL, starting with '/'; dynamic parts built with `pathSegment`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  /** A stable label for the call (e.g. "UsersService/GetAccounts"), used for metrics and logs. */
  route: string;
  signal?: AbortSignal | undefined;
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
}

/** Upstream bodies are small JSON documents; anything larger is a broken or hostile upstream. */
const maximumResponseBytes = 16 * 1024 * 1024;

export class UpstreamClient {
  private readonly agent: Agent;
  private readonly baseUrl: string;

  constructor(private readonly options: UpstreamClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
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
    const { connection, brokerLabel, timeoutMilliseconds, observer } = this.options;
    const url = this.baseUrl + upstreamRequest.path + queryString(upstreamRequest.query);
    const deadline = AbortSignal.timeout(timeoutMilliseconds);
    const signal = upstreamRequest.signal ? AbortSignal.any([upstreamRequest.signal, deadline]) : deadline;
    const started = performance.now();
    const report = (status: number | undefined, errorCode: string | undefined) =>
      observer?.({
        connection,
        route: upstreamRequest.route,
        method: upstreamRequest.method,
        status,
        durationMilliseconds: performance.now() - started,
        errorCode,
      });
    try {
      const response = await request(url, {
        method: upstreamRequest.method,
        headers: upstreamRequest.headers,
        body: upstreamRequest.body,
        dispatcher: this.agent,
        signal,
        headersTimeout: timeoutMilliseconds,
        bodyTimeout: timeoutMilliseconds,
      });
      const text = await response.body.text();
      report(response.statusCode, undefined);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      const mapped = this.mapTransportError(error, deadline.aborted, brokerLabel);
      report(undefined, mapped.code);
      throw mapped;
    }
  }

  private mapTransportError(error: unknown, deadlinePassed: boolean, brokerLabel: string) {
    const connection = this.options.connection;
    const seconds = Math.round(this.options.timeoutMilliseconds / 100) / 10;
    if (
      deadlinePassed ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      (error instanceof Error && error.name === 'TimeoutError')
    ) {
      return new UpstreamTimeoutError(`${brokerLabel} did not answer within ${seconds}s`, { connection, cause: error });
    }
    if (error instanceof undiciErrors.ConnectTimeoutError) {
      return new UpstreamTimeoutError(`${brokerLabel} did not accept a connection in time`, { connection, cause: error });
    }
    return new UpstreamUnavailableError(`${brokerLabel} is unreachable (${describeNetworkError(error)})`, {
      connection,
      cause: error,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ??
    (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return 'response too large';
    case 'UND_ERR_ABORTED':
      return 'request aborted';
    default:
      return typeof code === 'string' ? code : 'network error';
  }
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

/**
 * Encodes one dynamic path segment (a symbol, a portfolio, an order id). Client-supplied ids
 * end up here, so '/', '..' and the like must never change which broker resource is addressed.
 */
export function pathSegment(value: string, what: string): string {
  const decodedDots = value.replace(/%2e/gi, '.');
  if (value.length === 0 || decodedDots === '.' || decodedDots === '..' || value.length > 200) {
    throw new BadUserInputError(`${what} "${value.slice(0, 40)}" is not a valid identifier`);
  }
  return encodeURIComponent(value);
}

export function headerValue(headers: UpstreamResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
