import type { GatewayContext } from '../context.js';
import { multiplyDecimals } from '../decimal.js';
import type { Money } from '../domain.js';
import type { PositionModel } from '../resolvers/models.js';

/**
 * Some brokers' portfolios carry no current price (Tinkoff v1). Then, only if a query asks for
 * it, the price comes from the broker's last-price method (batched) or the top of the book,
 * and the currency from the instrument's metadata.
 */
export async function positionLastPrice(position: PositionModel, context: GatewayContext): Promise<Money | null> {
  const ref = { connection: position.instrument.connection, ref: { key: position.instrument.hint.key } };
  const amount = await context.loaders.lastPrice.load(ref);
  if (amount === null) return null;
  const currency = position.instrument.hint.currency ?? (await context.loaders.instrument.load(ref)).currency;
  return currency ? { amount, currency } : null;
}

/**
 * quantity × current price, as the broker reports it or, for a broker whose portfolio has no
 * prices, from its last price. An adapter that knows the price but leaves the value out has a
 * reason (InstaForex quantities are lots, not units): that position's value stays unknown.
 * Position.marketValue and netWorth both read it.
 */
export async function positionMarketValue(position: PositionModel, context: GatewayContext): Promise<Money | null> {
  if (position.marketValue || position.currentPrice) return position.marketValue;
  const price = await positionLastPrice(position, context);
  return price ? { amount: multiplyDecimals(position.quantity, price.amount), currency: price.currency } : null;
}
