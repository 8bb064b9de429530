import { randomUUID } from 'node:crypto';
import { findVisibleAccount, visibleAccountConnection } from '../access.js';
import { requireMethod } from '../brokers/capabilities.js';
import { instrumentRefFromInput } from '../brokers/instrument-input.js';
import { isMultipleOf, isPositiveDecimal } from '../decimal.js';
import type { InstrumentInfo, Order } from '../domain.js';
import { BadUserInputError, BrokerqlError, OrderStateUnknownError, UpstreamTimeoutError, isUnansweredSend } from '../errors.js';
import { toOrderModel, type AccountModel, type OrderModel } from '../resolvers/models.js';
import { audited, auditEntry, describeRef } from './audit.js';
import { guardOrder, preflight } from './guard.js';
import { requestHash, type IdempotencyLedger, type StoredAnswer } from './idempotency.js';
import type { PlaceOrderInput, TradingRequest } from './request.js';

/**
 * The trading mutations. Everything that can be checked without a broker is checked first;
 * an order reaches a broker only when it is well-formed, in scope and allowed by the broker's
 * capabilities (capabilities.ts, per account). Every attempt ends in exactly one audit row.
 */

const maximumLots = 1_000_000;
const maximumKeyLength = 128;
/** How long a repeat waits for the first request with the same key to finish. */
const inFlightWaitMilliseconds = 30_000;

export async function placeOrder(request: TradingRequest, input: PlaceOrderInput): Promise<OrderModel> {
  const entry = auditEntry(request, 'placeOrder', {
    accountId: input.accountId,
    instrument: describeRef(input.instrument),
    side: input.side,
    type: input.type,
    lots: input.lots,
    price: input.price ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
  });
  return audited(request, entry, async (settle) => {
    validateOrderInput(input);
    // The instrument is checked against the broker's grammar before anything is sent, the
    // account list included: a malformed ref never reaches a broker.
    instrumentRefFromInput(visibleAccountConnection(request, input.accountId), input.instrument);
    // The kill switch and the token's policy, as far as they need no broker: before any call. Not
    // for a repeat of a used key, which gets its first answer; if it has to send, the guard checks.
    const repeat = input.idempotencyKey != null && request.services.ledger.has(request.viewer.tokenId, input.idempotencyKey);
    if (!repeat) preflight(request, input);
    const account = await findVisibleAccount(request, input.accountId);
    const send = requireMethod(account.connection, 'placeOrder', { account, orderType: input.type });
    // Resolved before the key is claimed: a ref that names no instrument (or a broker that cannot
    // say) leaves the key unused, and the order's identity is the instrument, not how it was written.
    const instrument = await request.loaders.instrument.load({
      connection: account.connection,
      ref: instrumentRefFromInput(account.connection, input.instrument),
    });
    if (input.type === 'LIMIT') checkPriceStep(input.price!, instrument);
    const clientKey = input.idempotencyKey ?? undefined;
    // Every order that is sent passes the guard (policy, kill switch, counters) on its way.
    const sendOrder = (idempotencyKey: string) =>
      guardOrder(request, { account, instrument, input, idempotencyKey: clientKey ?? null }, () =>
        sendOnce(send, request.signal, account, input, instrument, idempotencyKey),
      );

    if (clientKey === undefined) {
      const order = await sendOrder(randomUUID());
      request.services.orderPlaced?.(account, order);
      return settle(toOrderModel(account, order), order.id);
    }

    const { ledger } = request.services;
    const tokenId = request.viewer.tokenId;
    // { id: "alor:MOEX:SBER" } and { symbol: "SBER", exchange: "MOEX" } are one order.
    const hash = requestHash({ accountId: account.id, instrument: instrument.key, side: input.side, type: input.type, lots: input.lots, price: input.price ?? null });
    // The same client key always yields the same upstream key, so a broker that deduplicates
    // (T-Invest orderId, ALOR X-REQID) also keeps a retried request from placing a second order.
    const upstreamKey = `${tokenId}:${account.id}:${clientKey}`;
    let claim = ledger.claim(tokenId, clientKey, hash);
    if (claim.kind === 'conflict') {
      throw new BadUserInputError(`idempotencyKey "${clientKey}" was already used for a different order; use a new key`);
    }
    if (claim.kind === 'in-flight') {
      // Never past this request's own deadline, and not for a client that went away.
      const deadline = Math.min(Date.now() + inFlightWaitMilliseconds, request.deadline);
      const answer = await ledger.waitForAnswer(tokenId, clientKey, deadline, request.signal);
      if (!answer) {
        throw new UpstreamTimeoutError(`the first order with idempotencyKey "${clientKey}" is still in progress; ask again later`, { retryable: true });
      }
      claim = { kind: 'answered', answer };
    }
    if (claim.kind === 'answered') {
      return settle(replay(account, claim.answer), claim.answer.kind === 'order' ? claim.answer.order.id : null, 'replayed');
    }
    if (claim.kind === 'unresolved') {
      // The first attempt was sent but its fate is unknown (or its process died mid-flight).
      // Sending again is safe only where the broker deduplicates by the key brokerql sent.
      if (!account.connection.definition.capabilities.idempotentOrders) {
        if (claim.answer?.kind === 'error') throw new OrderStateUnknownError({ stored: claim.answer.message, connection: account.connection.id });
        throw new OrderStateUnknownError({
          connection: account.connection.id,
          reason: `the first order with idempotencyKey "${clientKey}" was sent but never confirmed, and ${account.connection.id}'s broker cannot be asked safely again`,
          repeatIsSafe: false,
        });
      }
      ledger.reclaim(tokenId, clientKey);
    }

    try {
      const order = await sendOrder(upstreamKey);
      ledger.settle(tokenId, clientKey, { kind: 'order', order });
      request.services.orderPlaced?.(account, order);
      return settle(toOrderModel(account, order), order.id);
    } catch (error) {
      rememberFailure(ledger, tokenId, clientKey, error);
      throw error;
    }
  });
}

export async function cancelOrder(request: TradingRequest, accountId: string, orderId: string): Promise<OrderModel> {
  const entry = auditEntry(request, 'cancelOrder', { accountId, orderId });
  return audited(request, entry, async (settle) => {
    // All of it before any call: ALOR's "all" is not an order number but its cancel-every-order path.
    const connection = visibleAccountConnection(request, accountId);
    requireMethod(connection, 'cancelOrder');
    connection.adapter.identifiers.checkOrderId(orderId);
    const account = await findVisibleAccount(request, accountId);
    const cancel = requireMethod(account.connection, 'cancelOrder', { account });
    const order = await cancel({ brokerAccountId: account.brokerAccountId, orderId, signal: request.signal });
    return settle(toOrderModel(account, order), order.id);
  });
}

export function validateOrderInput(input: PlaceOrderInput): void {
  if (!Number.isInteger(input.lots) || input.lots < 1 || input.lots > maximumLots) {
    throw new BadUserInputError(`lots must be a whole number from 1 to ${maximumLots}, received ${input.lots}`);
  }
  if (input.type === 'LIMIT') {
    if (input.price == null) throw new BadUserInputError('price is required for a LIMIT order');
    if (!isPositiveDecimal(input.price)) throw new BadUserInputError(`price must be positive, received ${input.price}`);
  } else if (input.price != null) {
    throw new BadUserInputError('price must not be set for a MARKET order');
  }
  const key = input.idempotencyKey;
  if (key != null && (key.length === 0 || key.length > maximumKeyLength)) {
    throw new BadUserInputError(`idempotencyKey must be 1 to ${maximumKeyLength} characters`);
  }
}

async function sendOnce(
  send: ReturnType<typeof requireMethod<'placeOrder'>>,
  signal: AbortSignal,
  account: AccountModel,
  input: PlaceOrderInput,
  instrument: InstrumentInfo,
  idempotencyKey: string,
): Promise<Order> {
  try {
    return await send({
      brokerAccountId: account.brokerAccountId,
      instrument,
      side: input.side,
      type: input.type,
      lots: input.lots,
      price: input.type === 'LIMIT' ? input.price! : null,
      idempotencyKey,
      signal,
    });
  } catch (error) {
    throw asOrderOutcome(error, account);
  }
}

/**
 * An order that may have reached the broker but got no usable answer (an adapter that could
 * not reconcile it, a reset connection, a failure after the broker answered) is reported as
 * "state unknown", never as a retryable failure: a blind retry could place it twice.
 */
function asOrderOutcome(error: unknown, account: AccountModel): unknown {
  if (error instanceof OrderStateUnknownError) return error;
  const ambiguous = error instanceof BrokerqlError ? isUnansweredSend(error) || (error.mayHaveReachedBroker && error.code === 'INTERNAL') : true;
  if (!ambiguous) return error;
  return new OrderStateUnknownError({
    connection: account.connection.id,
    reason: `the order was sent to ${account.connection.id} but no confirmation came back`,
    repeatIsSafe: false,
    cause: error,
  });
}

function checkPriceStep(price: string, instrument: InstrumentInfo): void {
  const step = instrument.minPriceIncrement;
  if (step && !isMultipleOf(price, step)) {
    throw new BadUserInputError(`price ${price} is not a multiple of ${instrument.ticker}'s minimum price increment ${step}`);
  }
}

/** The first attempt's answer again: its order, or its error as it was (an unknown state stays unknown). */
function replay(account: AccountModel, answer: StoredAnswer): OrderModel {
  if (answer.kind === 'order') return toOrderModel(account, answer.order);
  throw new BrokerqlError(answer.code as BrokerqlError['code'], answer.message, { connection: account.connection.id, retryable: false });
}

/**
 * A definitive answer (the broker refused, the input was wrong: errors.ts says which) is
 * remembered so a repeat gets it too. An unknown outcome is remembered as unresolved, so a
 * repeat re-checks instead of sending blindly. Anything else frees the key for a retry.
 */
function rememberFailure(ledger: IdempotencyLedger, tokenId: string, key: string, error: unknown): void {
  if (error instanceof OrderStateUnknownError) {
    ledger.settle(tokenId, key, { kind: 'error', code: error.code, message: error.message }, 'unknown');
  } else if (error instanceof BrokerqlError && error.definitive) {
    ledger.settle(tokenId, key, { kind: 'error', code: error.code, message: error.message });
  } else {
    ledger.release(tokenId, key);
  }
}
