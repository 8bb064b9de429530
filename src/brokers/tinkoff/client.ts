import type { z } from 'zod';
import { UpstreamUnavailableError } from '../../errors.js';
import type { UpstreamClient } from '../http.js';
import { mapTinkoffError } from './map-tinkoff-error.js';

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
    if (response.status < 200 || response.status > 299) throw mapTinkoffError(response, this.http.connection);
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw this.unreadable(method, response.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw this.unreadable(method, response.status);
    return parsed.data;
  }

  private unreadable(method: string, status: number) {
    return new UpstreamUnavailableError(`T-Invest sent a response to ${method} that brokerql cannot read`, {
      connection: this.http.connection,
      status,
    });
  }
}
