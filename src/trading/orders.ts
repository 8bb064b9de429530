import { randomUUID } from 'node:crypto';
import { accountCapabilities, notSupported, type Capabilities } from '../brokers/adapter.js';
import type { GatewayContext } from '../context.js';
import { isMultipleOf, isPositiveDecimal } from '../decimal.js';
import type { InstrumentInfo, Order } from '../domain.js';
import { BadUserInputError, BrokerqlError, NotSupportedError, OrderStateUnknownError, UpstreamTimeoutError, isUnansweredSend } from '../errors.js';
import type { PlaceOrderInput } from '../generated/graphql.js';
import { toOrderModel, type AccountModel, type OrderModel } from '../models.js';
import { findVisibleAccount, instrumentRefFromInput, visibleAccountConnection } from '../resolvers/shared.js';
import type { AuditEntry, AuditLog, AuditOutcome } from '../auth/audit-log.js';
import { requestHash, type IdempotencyLedger, type StoredAnswer } from './idempotency.js';

/**
 * The trading mutations. Everything that can be checked without a broker is checked first;
 * an order reaches a broker only when it is well-formed, in scope and allowed by the broker's
 * capabilities. Every attempt ends in exactly one audit row.
 */

export interface Trading {
  audit: AuditLog;
  ledger: IdempotencyLedger;
}

const maximumLots = 1_000_000;
const maximumKeyLength = 128;
/** How long a repeat waits for the first request with the same key to finish. */
const inFlightWaitMilliseconds = 30_000;

export async function placeOrder(context: GatewayContext, input: PlaceOrderInput): Promise<OrderModel> {
  const entry = auditEntry(context, 'placeOrder', {
    accountId: input.accountId,
    instrument: describeRef(input.instrument),
    side: input.side,
    type: input.type,
    lots: input.lots,
    price: input.price ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
  });
  return audited(context, entry, async (settle) => {
    validateOrderInput(input);
    // The instrument is checked against the broker's grammar before anything is sent, the
    // account list included: a malformed ref never reaches a broker.
    instrumentRefFromInput(visibleAccountConnection(context, input.accountId), input.instrument);
    const account = await findVisibleAccount(context, input.accountId);
    const { adapter } = account.connection;
    const capabilities = requireTrading(account, 'placing orders');
    if (!capabilities.orderTypes.includes(input.type)) throw notSupported(account.connection, `${input.type} orders`);
    // Resolved before the key is claimed: a ref that names no instrument (or a broker that cannot
    // say) leaves the key unused, and the order's identity is the instrument, not how it was written.
    const instrument = await context.loaders.instrument.load({
      connection: account.connection,
      ref: instrumentRefFromInput(account.connection, input.instrument),
    });
    if (input.type === 'LIMIT') checkPriceStep(input.price!, instrument);

    const clientKey = input.idempotencyKey ?? undefined;
    if (clientKey === undefined) {
      const order = await sendOrder(context, account, input, instrument, randomUUID());
      return settle(toOrderModel(account, order), order.id);
    }

    const { ledger } = context.trading;
    const tokenId = context.viewer.tokenId;
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
      const deadline = Math.min(Date.now() + inFlightWaitMilliseconds, context.scope.deadline);
      const answer = await ledger.waitForAnswer(tokenId, clientKey, deadline, context.signal);
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
      if (!adapter.capabilities.idempotentOrders) {
        throw new OrderStateUnknownError(
          claim.answer?.kind === 'error'
            ? claim.answer.message
            : `the first order with idempotencyKey "${clientKey}" was sent but never confirmed, and ${account.connection.id}'s broker cannot be asked safely again; check the account's orders`,
          { connection: account.connection.id },
        );
      }
      ledger.reclaim(tokenId, clientKey);
    }

    try {
      const order = await sendOrder(context, account, input, instrument, upstreamKey);
      ledger.settle(tokenId, clientKey, { kind: 'order', order });
      return settle(toOrderModel(account, order), order.id);
    } catch (error) {
      rememberFailure(ledger, tokenId, clientKey, error);
      throw error;
    }
  });
}

export async function cancelOrder(context: GatewayContext, accountId: string, orderId: string): Promise<OrderModel> {
  const entry = auditEntry(context, 'cancelOrder', { accountId, orderId });
  return audited(context, entry, async (settle) => {
    // All of it before any call: ALOR's "all" is not an order number but its cancel-every-order path.
    const connection = visibleAccountConnection(context, accountId);
    if (!connection.adapter.capabilities.trading) throw notSupported(connection, 'cancelling orders');
    connection.adapter.identifiers.checkOrderId(orderId);
    const account = await findVisibleAccount(context, accountId);
    requireTrading(account, 'cancelling orders');
    const order = await account.connection.adapter.cancelOrder({ brokerAccountId: account.brokerAccountId, orderId, signal: context.signal });
    return settle(toOrderModel(account, order), order.id);
  });
}

/** The account's capabilities, if it can trade at all; checked before anything is sent to a broker. */
function requireTrading(account: AccountModel, what: string): Capabilities {
  if (!account.connection.adapter.capabilities.trading) throw notSupported(account.connection, what);
  const capabilities = accountCapabilities(account.connection.adapter.capabilities, account);
  if (!capabilities.trading) {
    const reason = account.readOnly ? "its broker gives brokerql's credential read-only access to it" : `it is ${account.status?.toLowerCase() ?? 'not open'}`;
    throw new NotSupportedError(`${what} is not possible on account ${account.id}: ${reason}`, { connection: account.connection.id, retryable: false });
  }
  return capabilities;
}

function validateOrderInput(input: PlaceOrderInput): void {
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

async function sendOrder(
  context: GatewayContext,
  account: AccountModel,
  input: PlaceOrderInput,
  instrument: InstrumentInfo,
  idempotencyKey: string,
): Promise<Order> {
  try {
    return await account.connection.adapter.placeOrder({
      brokerAccountId: account.brokerAccountId,
      instrument,
      side: input.side,
      type: input.type,
      lots: input.lots,
      price: input.type === 'LIMIT' ? input.price! : null,
      idempotencyKey,
      signal: context.signal,
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
  return new OrderStateUnknownError(
    `the order was sent to ${account.connection.id} but no confirmation came back, so whether it was placed is unknown; check the account's orders before placing it again`,
    { connection: account.connection.id, cause: error },
  );
}

function checkPriceStep(price: string, instrument: InstrumentInfo): void {
  const step = instrument.minPriceIncrement;
  if (step && !isMultipleOf(price, step)) {
    throw new BadUserInputError(`price ${price} is not a multiple of ${instrument.ticker}'s minimum price increment ${step}`);
  }
}

function replay(account: AccountModel, answer: StoredAnswer): OrderModel {
  if (answer.kind === 'order') return toOrderModel(account, answer.order);
  throw new BrokerqlError(answer.code as BrokerqlError['code'], answer.message, { connection: account.connection.id, retryable: false });
}

/**
 * A definitive answer (the broker refused, the input was wrong) is remembered so a repeat gets
 * it too. An unknown outcome is remembered as unresolved, so a repeat re-checks instead of
 * sending blindly. A failure that never reached the broker frees the key for a retry.
 */
function rememberFailure(ledger: IdempotencyLedger, tokenId: string, key: string, error: unknown): void {
  if (error instanceof OrderStateUnknownError) {
    ledger.settle(tokenId, key, { kind: 'error', code: error.code, message: error.message }, 'unknown');
  } else if (error instanceof BrokerqlError && ['UPSTREAM_REJECTED', 'BAD_USER_INPUT', 'NOT_FOUND'].includes(error.code)) {
    ledger.settle(tokenId, key, { kind: 'error', code: error.code, message: error.message });
  } else {
    ledger.release(tokenId, key);
  }
}

// ---- audit --------------------------------------------------------------------------------

type Settle = (order: OrderModel, brokerOrderId: string | null, outcome?: AuditOutcome) => OrderModel;

function auditEntry(context: GatewayContext, mutation: string, fields: Partial<AuditEntry>): AuditEntry {
  return {
    tokenId: context.viewer.tokenId,
    tokenName: context.viewer.name,
    mutation,
    accountId: null,
    instrument: null,
    side: null,
    type: null,
    lots: null,
    price: null,
    idempotencyKey: null,
    orderId: null,
    outcome: 'ok',
    brokerOrderId: null,
    errorCode: null,
    message: null,
    ...fields,
  };
}

/** Runs a mutation and writes its one audit row, whatever happens. */
async function audited(context: GatewayContext, entry: AuditEntry, run: (settle: Settle) => Promise<OrderModel>): Promise<OrderModel> {
  try {
    return await run((order, brokerOrderId, outcome = 'ok') => {
      context.trading.audit.record({ ...entry, outcome, brokerOrderId });
      return order;
    });
  } catch (error) {
    const code = error instanceof BrokerqlError ? error.code : 'INTERNAL';
    context.trading.audit.record({
      ...entry,
      outcome: error instanceof OrderStateUnknownError ? 'unknown' : outcomeOf(code),
      errorCode: code,
      message: error instanceof BrokerqlError ? error.message : null,
    });
    throw error;
  }
}

function outcomeOf(code: string): AuditOutcome {
  if (['FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'NOT_SUPPORTED', 'UNAUTHENTICATED'].includes(code)) return 'rejected';
  if (code === 'UPSTREAM_REJECTED') return 'refused';
  return 'failed';
}

/** The audit row for a mutation the @requiresScope directive refused. */
export function auditDenied(context: GatewayContext, mutation: string, args: Record<string, unknown>): void {
  const input = (args['input'] ?? {}) as Partial<PlaceOrderInput>;
  context.trading.audit.record(
    auditEntry(context, mutation, {
      accountId: (input.accountId ?? args['accountId'] ?? null) as string | null,
      instrument: input.instrument ? describeRef(input.instrument) : null,
      side: input.side ?? null,
      type: input.type ?? null,
      lots: input.lots ?? null,
      price: input.price ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      orderId: (args['orderId'] ?? null) as string | null,
      outcome: 'rejected',
      errorCode: 'FORBIDDEN',
      message: `needs a TRADE token; this token is ${context.viewer.scope}`,
    }),
  );
}

function describeRef(ref: PlaceOrderInput['instrument']): string {
  if (ref.id) return ref.id;
  if (ref.figi) return `figi:${ref.figi}`;
  return [ref.exchange, ref.symbol].filter(Boolean).join(':');
}
