import type { BrokerAccount, OrderType } from '../domain.js';
import { NotSupportedError } from '../errors.js';
import type { BrokerAdapter, Capabilities, GatedMethod } from './adapter.js';
import { brokerLabelWithEnum, type BrokerDefinition } from './definition.js';

/**
 * What one account allows: its connection's capabilities, without trading where the broker lets
 * brokerql's credential only read the account, or the account is not open (closed, still
 * opening) — an order there would only come back refused.
 */
export function accountCapabilities(connection: Capabilities, account: BrokerAccount): Capabilities {
  const tradable = !account.readOnly && (account.status == null || account.status === 'OPEN');
  return tradable || !connection.trading ? connection : { ...connection, trading: false, orderTypes: [] };
}

/** The adapter methods a capability stands for, and how a refusal names what was asked. */
const gatedMethods = {
  getOrderbook: { capability: 'orderbook', what: 'orderbooks' },
  listOperations: { capability: 'operations', what: 'operations' },
  listOperationsPage: { capability: 'operations', what: 'paged operations' },
  placeOrder: { capability: 'trading', what: 'placing orders' },
  cancelOrder: { capability: 'trading', what: 'cancelling orders' },
  previewOrder: { capability: 'orderPreview', what: 'calculating orders' },
  getCandles: { capability: 'candles', what: 'candles' },
} as const satisfies Record<GatedMethod, { capability: 'orderbook' | 'operations' | 'trading' | 'orderPreview' | 'candles'; what: string }>;

/** A connection as the gate sees it: its broker's definition (capabilities, names) and its adapter (which methods it has). */
interface GatedConnection {
  id: string;
  definition: Pick<BrokerDefinition, 'label' | 'enumValue' | 'capabilities'>;
  adapter: BrokerAdapter;
}

/** The answer for anything outside a broker's capabilities: say which broker, never return an empty result. */
export function notSupported(connection: Pick<GatedConnection, 'id' | 'definition'>, what: string): NotSupportedError {
  return new NotSupportedError(`${brokerLabelWithEnum(connection.definition)} does not support ${what} (connection "${connection.id}")`, {
    connection: connection.id,
    retryable: false,
  });
}

/** Whether the connection's broker offers `method` at all (the loaders use it to choose a fallback, not to refuse). */
export function supports(connection: GatedConnection, method: GatedMethod): boolean {
  return connection.definition.capabilities[gatedMethods[method].capability] === true && connection.adapter[method] !== undefined;
}

/** For the trading methods: the account whose capabilities decide, and the order type asked for. */
export interface TradingTarget {
  account: BrokerAccount & { id: string };
  orderType?: OrderType | undefined;
}

/**
 * The one gate in front of an optional adapter method: the method, bound to its adapter, or
 * NOT_SUPPORTED naming the broker and connection — checked before anything is sent. Trading is
 * decided per account too (issue 13): a read-only, closed or opening account cannot trade even
 * where its broker can, and an order type must be one the broker offers.
 */
export function requireMethod<Method extends GatedMethod>(
  connection: GatedConnection,
  method: Method,
  target?: TradingTarget,
): NonNullable<BrokerAdapter[Method]> {
  const { adapter } = connection;
  const gate = gatedMethods[method];
  const implementation = adapter[method];
  if (!supports(connection, method) || !implementation) throw notSupported(connection, gate.what);
  if (target) {
    const { account, orderType } = target;
    const capabilities = accountCapabilities(connection.definition.capabilities, account);
    if (gate.capability === 'trading' && !capabilities.trading) {
      const reason = account.readOnly ? "its broker gives brokerql's credential read-only access to it" : `it is ${account.status?.toLowerCase() ?? 'not open'}`;
      throw new NotSupportedError(`${gate.what} is not possible on account ${account.id}: ${reason}`, { connection: connection.id, retryable: false });
    }
    if (orderType !== undefined && !capabilities.orderTypes.includes(orderType)) throw notSupported(connection, `${orderType} orders`);
  }
  return implementation.bind(adapter) as NonNullable<BrokerAdapter[Method]>;
}
