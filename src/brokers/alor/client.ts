import type { z } from 'zod';
import { UpstreamUnavailableError, type BrokerqlError } from '../../errors.js';
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from '../http.js';
import { parseJsonExact } from '../json.js';
import type { AccessToken } from './access-token.js';
import { mapAlorError } from './map-alor-error.js';
import type { TokenKeeper } from './token-keeper.js';

export interface AlorRequest extends UpstreamRequest {
  /** What a 404 is about, for its message: "security MOEX:SBER". */
  subject?: string | undefined;
}

/**
 * ALOR's API host: every request carries `Authorization: Bearer <access token>`. A 401 means the
 * token expired early or was revoked: the request gets one fresh token and one retry, and a second
 * 401 is UPSTREAM_AUTH. (A retried order command is safe: it carries the same X-REQID.)
 */
export class AlorClient {
  constructor(
    private readonly api: UpstreamClient,
    private readonly tokens: TokenKeeper,
  ) {}

  get connection(): string {
    return this.api.connection;
  }

  /** The current token's portfolios: ALOR's only list of the client's accounts. */
  async portfolios(): Promise<string[]> {
    return (await this.tokens.current()).portfolios;
  }

  async send(request: AlorRequest): Promise<UpstreamResponse> {
    const token = await this.tokens.current();
    const response = await this.sendWith(token, request);
    if (response.status !== 401) return response;
    return this.sendWith(await this.tokens.replace(token), request);
  }

  /** A GET in the Simple format, read with `schema`; any other status becomes its brokerql error. */
  async get<Schema extends z.ZodType>(request: Omit<AlorRequest, 'method'>, schema: Schema): Promise<z.output<Schema>> {
    const response = await this.send({ ...request, method: 'GET', query: { ...request.query, format: 'Simple' } });
    if (!isSuccess(response)) throw this.failure(response, request.subject);
    return this.read(response, schema, request.route);
  }

  read<Schema extends z.ZodType>(response: UpstreamResponse, schema: Schema, route: string): z.output<Schema> {
    let json: unknown;
    try {
      json = parseJsonExact(response.text);
    } catch {
      throw this.unreadable(route, response.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw this.unreadable(route, response.status);
    return parsed.data;
  }

  failure(response: UpstreamResponse, subject?: string): BrokerqlError {
    return mapAlorError(response, { connection: this.connection, subject });
  }

  private sendWith(token: AccessToken, { subject: _subject, ...request }: AlorRequest): Promise<UpstreamResponse> {
    return this.api.send({ ...request, headers: { ...request.headers, authorization: `Bearer ${token.value}`, accept: 'application/json' } });
  }

  private unreadable(route: string, status: number) {
    return new UpstreamUnavailableError(`ALOR sent a response to ${route} that brokerql cannot read`, { connection: this.connection, status });
  }
}

export function isSuccess(response: UpstreamResponse): boolean {
  return response.status >= 200 && response.status <= 299;
}
