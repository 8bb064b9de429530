import type { MaxLots } from '../brokers/adapter.js';
import { requireMethod, supports } from '../brokers/capabilities.js';
import { addDecimals, compareDecimals, multiplyDecimals, type Decimal } from '../decimal.js';
import type { InstrumentInfo, OrderSide, OrderType } from '../domain.js';
import type { Loaders } from '../loaders.js';
import type { AccountModel } from '../resolvers/models.js';

/**
 * What an order is worth before it is placed, from the best information there is:
 *
 * - the price: a LIMIT order's own; for a MARKET order, the price its last lot would pay in the
 *   current book (walking the opposite side from the best price until its lots are covered) —
 *   the worst price it would get while the book holds, never a price it would beat;
 * - the value: the broker's own calculator where it has one (T-Invest GetOrderPrice, ALOR
 *   …/orders/estimate: amount, commission, accrued interest) — `BROKER`; else price × lots × lot
 *   size — `ESTIMATE`, without commission.
 *
 * When that cannot be known (no book, a book too thin for the order, no lot size or currency, a
 * bond — whose price may be a percent of its face value — without the broker's calculator), the
 * answer says so and why: the guard then refuses rather than guess.
 */

export type ValueSource = 'BROKER' | 'ESTIMATE';

export interface OrderValuation {
  known: true;
  source: ValueSource;
  currency: string;
  /** The price per unit the order was valued at. */
  price: Decimal;
  /** price × lots × lot size in money. */
  amount: Decimal;
  commission: Decimal | null;
  accruedInterest: Decimal | null;
  initialMargin: Decimal | null;
  /** amount + commission + accrued interest: what the value limits count. */
  value: Decimal;
  maxLots: MaxLots | null;
}

export type Valuation = OrderValuation | { known: false; reason: string; price: Decimal | null };

export interface ValuationRequest {
  account: AccountModel;
  instrument: InstrumentInfo;
  side: OrderSide;
  type: OrderType;
  lots: number;
  /** A LIMIT order's price. */
  limitPrice: Decimal | null;
  /** Also ask the broker how many lots the account could trade (previews). */
  withMaxLots: boolean;
  loaders: Pick<Loaders, 'orderbook'>;
  signal: AbortSignal;
}

/** The deepest book a MARKET order is valued against: the most every broker's book call gives. */
const bookDepth = 50;

export async function valueOrder(request: ValuationRequest): Promise<Valuation> {
  const priced = request.limitPrice !== null ? { price: request.limitPrice } : await marketPrice(request);
  if ('reason' in priced) return { known: false, reason: priced.reason, price: null };
  const { price } = priced;
  const { account, instrument } = request;
  if (supports(account.connection, 'previewOrder')) {
    const preview = requireMethod(account.connection, 'previewOrder');
    const calculation = await preview({
      brokerAccountId: account.brokerAccountId,
      instrument,
      side: request.side,
      lots: request.lots,
      price,
      withMaxLots: request.withMaxLots,
      signal: request.signal,
    });
    return {
      known: true,
      source: 'BROKER',
      ...calculation,
      price,
      value: addDecimals(calculation.amount, calculation.commission ?? '0', calculation.accruedInterest ?? '0'),
    };
  }
  if (instrument.lotSize === null || instrument.currency === null) {
    return { known: false, reason: `${account.connection.id} does not say ${instrument.ticker}'s lot size or currency`, price };
  }
  if (instrument.type === 'bond') {
    return { known: false, reason: `${instrument.ticker} is a bond, whose price may be a percent of its face value, and ${account.connection.id}'s broker has no order calculator`, price };
  }
  const amount = multiplyDecimals(multiplyDecimals(price, String(request.lots)), String(instrument.lotSize));
  return { known: true, source: 'ESTIMATE', currency: instrument.currency, price, amount, commission: null, accruedInterest: null, initialMargin: null, value: amount, maxLots: null };
}

/** The price a MARKET order's last lot would pay in the current book, or why it is not known. */
async function marketPrice(request: ValuationRequest): Promise<{ price: Decimal } | { reason: string }> {
  const { account, instrument } = request;
  if (!supports(account.connection, 'getOrderbook')) return { reason: `${account.connection.id} has no order book to price a MARKET order` };
  const book = await request.loaders.orderbook.load({ connection: account.connection, ref: { key: instrument.key }, depth: bookDepth });
  // A buy takes the asks from the lowest up, a sell the bids from the highest down.
  const levels = [...(request.side === 'BUY' ? book.asks : book.bids)].sort((left, right) =>
    request.side === 'BUY' ? compareDecimals(left.price, right.price) : compareDecimals(right.price, left.price),
  );
  let covered = '0';
  for (const level of levels) {
    covered = addDecimals(covered, level.quantity);
    if (compareDecimals(covered, String(request.lots)) >= 0) return { price: level.price };
  }
  return { reason: `the ${request.side === 'BUY' ? 'asks' : 'bids'} in ${instrument.ticker}'s book cover ${covered} of the order's ${request.lots} lots` };
}
