import type { Order } from '../../domain.js';
import {
  BrokerqlError,
  NotFoundError,
  OrderStateUnknownError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  isUnansweredSend,
} from '../../errors.js';
import type { PlaceOrderParams } from '../adapter.js';
import type { UpstreamResponse } from '../http.js';
import { acceptedOrder } from '../order-outcome.js';
import { parseJsonExact } from '../json.js';
import { isSuccess } from '../upstream-answer.js';
import type { AlorClient } from './client.js';
import { alorOrderNumber, type AlorExchange, type AlorOrderNumber, type AlorPortfolio } from './identifiers.js';
import { alorAddressOfKey } from './instrument-ref.js';
import { alorLabel, readAlorErrorBody } from './map-alor-error.js';
import { mapAlorOrder } from './map-alor-order.js';
import { alorRequestId, orderCommandBody } from './order-command.js';
import type { AlorPaths } from './paths.js';
import { alorRoutes } from './routes.js';
import { duplicateRequestSchema, orderActionResponseSchema, orderSchema } from './wire.js';

/**
 * Order commands through ALOR's commandapi, each answered with the order's state as ALOR's
 * client data then shows it (GET …/orders/{id}): a marketable order is FILLED by the time the
 * command returns, which an order rebuilt from the request would not say.
 */
export class AlorTrading {
  constructor(
    private readonly client: AlorClient,
    private readonly paths: AlorPaths,
    /** The connection's exchange: cancel and the order lookup after it need one, and an order id carries none. */
    private readonly exchange: AlorExchange,
  ) {}

  async place(portfolio: AlorPortfolio, params: PlaceOrderParams): Promise<Order> {
    const connection = this.client.connection;
    const instrument = alorAddressOfKey(params.instrument.key, this.exchange, connection);
    const type = params.type === 'LIMIT' ? 'limit' : 'market';
    const route = type === 'limit' ? alorRoutes.limitOrder : alorRoutes.marketOrder;
    const sendOnce = () =>
      this.client.send({
        method: 'POST',
        path: this.paths.orderAction(type),
        headers: { 'content-type': 'application/json', 'x-reqid': alorRequestId(params.idempotencyKey) },
        body: orderCommandBody({
          portfolio,
          instrument,
          side: params.side,
          type: params.type,
          lots: params.lots,
          price: params.price,
        }),
        route,
        signal: params.signal,
        // Never repeated blindly by the transport: see the one deliberate resend below.
        retryable: false,
        priority: 'order',
      });
    // A 5xx answer (ALOR failing, or a proxy in front of it) may come after the command was
    // executed: as unanswered as a lost connection, so it takes the same resend below.
    const send = async () => {
      const response = await sendOnce();
      if (response.status >= 500) throw this.client.failure(response, `instrument ${params.instrument.key}`);
      return response;
    };
    let response: UpstreamResponse;
    try {
      response = await send();
    } catch (error) {
      if (!isUnansweredSend(error)) throw error;
      // The command may or may not have reached ALOR. Sending it again with the same X-REQID is
      // safe: ALOR executes a request id once and answers a repeat with the first answer.
      try {
        response = await send();
      } catch (again) {
        if (!isUnansweredSend(again)) throw again;
        throw new OrderStateUnknownError({ connection, reason: 'ALOR did not confirm it, even when asked again', repeatIsSafe: true, cause: again });
      }
    }
    const orderNumber = this.orderNumberOf(response, route, params.instrument.key);

    // The order exists now: failing to read its state must not turn into an error (a client would
    // retry an order that was placed), so the request itself describes it then, as PENDING. (So
    // does an order number that is not ALOR's digits: it goes into no path.)
    const checkedNumber = alorOrderNumber.read(orderNumber);
    const state = checkedNumber === undefined ? null : await this.read(instrument.exchange, portfolio, checkedNumber, params.signal).catch(() => null);
    if (!state) return orderFromRequest(orderNumber, params);
    return acceptedOrder(state, { label: alorLabel, connection });
  }

  async cancel(portfolio: AlorPortfolio, orderId: AlorOrderNumber, signal?: AbortSignal): Promise<Order> {
    const response = await this.client.send({
      method: 'DELETE',
      path: this.paths.order(orderId),
      query: { portfolio, exchange: this.exchange, stop: false },
      route: alorRoutes.cancelOrder,
      signal,
      retryable: false,
      priority: 'order',
    });
    // ALOR answers a text/plain `success`; the status is what counts.
    if (!isSuccess(response)) throw await this.cancelFailure(response, portfolio, orderId, signal);
    try {
      return await this.read(this.exchange, portfolio, orderId, signal);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unknown error';
      throw new UpstreamUnavailableError(`ALOR cancelled order ${orderId}, but its final state could not be read (${reason})`, {
        connection: this.client.connection,
        cause: error,
        retryable: false,
      });
    }
  }

  read(exchange: AlorExchange, portfolio: AlorPortfolio, orderId: AlorOrderNumber, signal?: AbortSignal): Promise<Order> {
    return this.client
      .get(
        {
          path: this.paths.clientOrder(exchange, portfolio, orderId),
          route: alorRoutes.order,
          signal,
          subject: `order ${orderId} in portfolio ${portfolio}`,
          // Part of an order command's answer: it goes ahead of queued reads too.
          priority: 'order',
        },
        orderSchema,
      )
      .then((order) => mapAlorOrder(order, this.client.connection));
  }

  /**
   * `orderNumber` of the first answer to this X-REQID. A repeat is answered 400 with the first
   * answer inside `oldResponse`: a success there is this order, a refusal there is this refusal.
   */
  private orderNumberOf(response: UpstreamResponse, route: string, instrumentKey: string): string {
    let answer = response;
    if (answer.status === 400) {
      const replay = readDuplicate(answer.text);
      if (replay) answer = replay;
    }
    if (isSuccess(answer)) return this.client.read(answer, orderActionResponseSchema, route).orderNumber;
    throw this.client.failure(answer, `instrument ${instrumentKey}`);
  }

  /**
   * ALOR says "Order to cancel not found" both for an order it does not know and for one already
   * filled or cancelled. The order's state tells which: NOT_FOUND for the first, UPSTREAM_REJECTED
   * (with what happened to the order) for the second.
   */
  private async cancelFailure(
    response: UpstreamResponse,
    portfolio: AlorPortfolio,
    orderId: AlorOrderNumber,
    signal?: AbortSignal,
  ): Promise<BrokerqlError> {
    const failure = this.client.failure(response, `order ${orderId}`);
    const details = readAlorErrorBody(response.text);
    if (response.status !== 400 || details.code !== 'OrderToCancelNotFound') return failure;
    const connection = this.client.connection;
    let order: Order;
    try {
      order = await this.read(this.exchange, portfolio, orderId, signal);
    } catch (error) {
      if (error instanceof NotFoundError) {
        return new NotFoundError(`ALOR has no order ${orderId} in portfolio ${portfolio} today (${details.message})`, { connection, status: response.status });
      }
      return failure;
    }
    if (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED') return failure;
    return new UpstreamRejectedError(`ALOR refused to cancel order ${orderId}: ${details.message}; the order is already ${order.status}`, {
      connection,
      status: response.status,
    });
  }
}

/** The first answer inside a duplicate-X-REQID reply, as a response of its own; undefined for any other 400. */
function readDuplicate(text: string): UpstreamResponse | undefined {
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch {
    return undefined;
  }
  const duplicate = duplicateRequestSchema.safeParse(json);
  if (!duplicate.success) return undefined;
  const { statusCode, body } = duplicate.data.oldResponse;
  // Numbers were read as their source text, so writing them back as strings loses nothing.
  return { status: statusCode, headers: {}, text: body === undefined || body === null ? '' : JSON.stringify(body) };
}

function orderFromRequest(orderNumber: string, params: PlaceOrderParams): Order {
  return {
    id: orderNumber,
    instrument: params.instrument,
    side: params.side,
    type: params.type,
    status: 'PENDING',
    price: params.type === 'LIMIT' ? params.price : null,
    requestedLots: String(params.lots),
    executedLots: '0',
    averageFillPrice: null,
    createdAt: null,
    message: null,
  };
}

