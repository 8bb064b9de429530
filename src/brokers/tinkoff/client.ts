import type { z } from 'zod';
import type { UpstreamClient } from '../http.js';
import { readAnswer } from '../upstream-answer.js';
import { tinkoffErrors, tinkoffLabel } from './map-tinkoff-error.js';

const servicePrefix = '/tinkoff.public.invest.api.contract.v1.';

/** T-Invest REST: every method is POST {baseUrl}/tinkoff.public.invest.api.contract.v1.<Service>/<Method> with a JSON body. */
export class TinkoffClient {
  constructor(
    private readonly http: UpstreamClient,
    private readonly token: string,
  ) {}

  /**
   * Every T-Invest method is a POST, reads included, so whether a call may be repeated is said
   * here: reads yes, order actions never (a repeated PostOrder is what idempotency keys are for).
   */
  async call<Schema extends z.ZodType>(
    method: string,
    body: Record<string, unknown>,
    schema: Schema,
    signal?: AbortSignal,
    kind: 'read' | 'order' = 'read',
  ): Promise<z.output<Schema>> {
    const response = await this.http.send({
      method: 'POST',
      path: servicePrefix + method,
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'x-app-name': 'brokerql',
      },
      body: JSON.stringify(body),
      route: method,
      signal,
      retryable: kind === 'read',
      priority: kind,
    });
    return readAnswer(response, { label: tinkoffLabel, connection: this.http.connection, what: method, errors: tinkoffErrors, schema });
  }
}
