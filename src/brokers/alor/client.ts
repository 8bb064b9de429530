import type { z } from 'zod';
import type { BrokerqlError } from '../../errors.js';
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from '../http.js';
import { readAnswer } from '../upstream-answer.js';
import { mapUpstreamFailure } from '../upstream-errors.js';
import { alorErrors, alorLabel } from './map-alor-error.js';
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

  send({ subject: _subject, ...request }: AlorRequest): Promise<UpstreamResponse> {
    return this.tokens.send((token) =>
      this.api.send({ ...request, headers: { ...request.headers, authorization: `Bearer ${token.value}`, accept: 'application/json' } }),
    );
  }

  /** A GET in the Simple format, read with `schema`; any other status becomes its brokerql error. */
  async get<Schema extends z.ZodType>(request: Omit<AlorRequest, 'method'>, schema: Schema): Promise<z.output<Schema>> {
    const response = await this.send({ ...request, method: 'GET', query: { ...request.query, format: 'Simple' } });
    return this.read(response, schema, request.route, request.subject);
  }

  read<Schema extends z.ZodType>(response: UpstreamResponse, schema: Schema, route: string, subject?: string): z.output<Schema> {
    return readAnswer(response, { label: alorLabel, connection: this.connection, what: route, subject, errors: alorErrors, schema });
  }

  failure(response: UpstreamResponse, subject?: string): BrokerqlError {
    return mapUpstreamFailure(response, { label: alorLabel, connection: this.connection, subject }, alorErrors);
  }
}
