import type { z } from 'zod';
import { UpstreamUnavailableError } from '../../errors.js';
import type { UpstreamClient, UpstreamRequest } from '../http.js';
import { parseJsonExact } from '../json.js';
import { mapTinkoffV1ErrorPayload, mapTinkoffV1HttpError } from './map-tinkoff-v1-error.js';
import { envelopeSchema, errorPayloadSchema } from './wire.js';

export interface TinkoffV1Call<Schema extends z.ZodType> {
  method: 'GET' | 'POST';
  /** Relative to the base URL, e.g. `/orders/limit-order`. */
  path: string;
  /** Every input except a request body is a query parameter in v1, brokerAccountId included. */
  query?: UpstreamRequest['query'];
  /** JSON text, already serialized (order prices are written into it exactly). */
  body?: string | undefined;
  payload: Schema;
  signal?: AbortSignal | undefined;
  /**
   * Order actions are never repeated by the transport (v1 has no idempotency) and go ahead of
   * queued reads in the connection's budget. Default 'read': GETs may be retried.
   */
  kind?: 'read' | 'order' | undefined;
}

/**
 * Tinkoff OpenAPI v1: GET and POST below the base URL, `Authorization: Bearer`, and every answer
 * in the `{trackingId, status, payload}` envelope. Returns the payload of an "Ok" envelope; an
 * "Error" envelope (whatever the HTTP status) and any non-2xx answer become brokerql errors.
 */
export class TinkoffV1Client {
  constructor(
    private readonly http: UpstreamClient,
    private readonly token: string,
  ) {}

  async call<Schema extends z.ZodType>(call: TinkoffV1Call<Schema>): Promise<z.output<Schema>> {
    const route = `${call.method} ${call.path}`;
    const response = await this.http.send({
      method: call.method,
      path: call.path,
      query: call.query,
      // The SDKs sent a JSON content type on GET and POST alike.
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: call.body,
      route,
      signal: call.signal,
      retryable: call.kind !== 'order' && call.method === 'GET',
      priority: call.kind ?? 'read',
    });
    const connection = this.http.connection;
    if (response.status < 200 || response.status > 299) throw mapTinkoffV1HttpError(response, connection);
    const context = { connection, status: response.status };

    let json: unknown;
    try {
      json = parseJsonExact(response.text);
    } catch {
      throw this.unreadable(route, response.status);
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw this.unreadable(route, response.status);
    // Production wrote "Ok", SDK fixtures "OK"; the official samples compared upper-cased.
    switch (envelope.data.status.toLowerCase()) {
      case 'ok': {
        const payload = call.payload.safeParse(envelope.data.payload);
        if (!payload.success) throw this.unreadable(route, response.status);
        return payload.data;
      }
      case 'error': {
        // Proxies in front of v1 (invest_proxy.php) echo error envelopes with HTTP 200.
        const payload = errorPayloadSchema.safeParse(envelope.data.payload);
        if (!payload.success) throw this.unreadable(route, response.status);
        throw mapTinkoffV1ErrorPayload(payload.data, context);
      }
      default:
        throw this.unreadable(route, response.status);
    }
  }

  private unreadable(route: string, status: number) {
    return new UpstreamUnavailableError(`Tinkoff OpenAPI v1 sent an answer to ${route} that brokerql cannot read`, {
      connection: this.http.connection,
      status,
    });
  }
}
