import type { z } from 'zod';
import type { UpstreamClient, UpstreamRequest } from '../http.js';
import { readAnswer } from '../upstream-answer.js';
import { mapTinkoffV1ErrorPayload, tinkoffV1Errors, tinkoffV1Label } from './map-tinkoff-v1-error.js';
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
    return readAnswer(response, {
      label: tinkoffV1Label,
      connection,
      what: route,
      errors: tinkoffV1Errors,
      schema: call.payload,
      // Every answer is an envelope: the payload of an "Ok" one is the value, an "Error" one is the
      // broker's refusal (proxies in front of v1, invest_proxy.php, echo them with HTTP 200).
      unwrap: (json, fail) => {
        const envelope = envelopeSchema.safeParse(json);
        if (!envelope.success) return fail();
        // Production wrote "Ok", SDK fixtures "OK"; the official samples compared upper-cased.
        switch (envelope.data.status.toLowerCase()) {
          case 'ok':
            return envelope.data.payload;
          case 'error': {
            const payload = errorPayloadSchema.safeParse(envelope.data.payload);
            if (!payload.success) return fail();
            throw mapTinkoffV1ErrorPayload(payload.data, { connection, status: response.status });
          }
          default:
            return fail();
        }
      },
    });
  }
}
