import type { MaxLots, OrderCalculation, PreviewOrderParams } from '../adapter.js';
import type { TinkoffClient } from './client.js';
import { moneyValueToMoney, decimalToQuotation } from './quotation.js';
import { maxLotsResponseSchema, orderPriceResponseSchema } from './wire.js';

/**
 * T-Invest's own calculation of an order (OrdersService, counted against its 100-a-minute rest):
 * GetOrderPrice for the amount, the commission, a bond's accrued interest and a future's initial
 * margin; GetMaxLots, only when asked, for the lots the account's money and securities cover.
 *
 *   GetOrderPrice → {"totalOrderAmount":{"currency":"rub","units":"2821","nano":310000000},
 *     "initialOrderAmount":{"currency":"rub","units":"2819","nano":900000000},"lotsRequested":"1",
 *     "executedCommission":{"currency":"rub","units":"1","nano":410000000},…,
 *     "extraBond":{"aciValue":{"currency":"rub","units":"12","nano":370000000}}}
 */
export async function calculateTinkoffOrder(client: TinkoffClient, accountId: string, params: PreviewOrderParams): Promise<OrderCalculation> {
  const instrumentId = params.instrument.key;
  const [price, lots] = await Promise.all([
    client.call(
      'OrdersService/GetOrderPrice',
      {
        accountId,
        instrumentId,
        price: decimalToQuotation(params.price),
        direction: params.side === 'BUY' ? 'ORDER_DIRECTION_BUY' : 'ORDER_DIRECTION_SELL',
        quantity: String(params.lots),
      },
      orderPriceResponseSchema,
      params.signal,
    ),
    params.withMaxLots
      ? client.call('OrdersService/GetMaxLots', { accountId, instrumentId, price: decimalToQuotation(params.price) }, maxLotsResponseSchema, params.signal)
      : undefined,
  ]);
  const amount = moneyValueToMoney(price.initialOrderAmount);
  const maxLots: MaxLots | null = lots
    ? {
        buy: lots.buyLimits.buyMaxLots,
        buyWithMargin: lots.buyMarginLimits.buyMaxLots,
        sell: lots.sellLimits.sellMaxLots,
        sellWithMargin: lots.sellMarginLimits.sellMaxLots,
      }
    : null;
  const inMoney = (value: typeof price.initialOrderAmount | undefined) => (value ? moneyValueToMoney(value).amount : null);
  return {
    currency: amount.currency,
    amount: amount.amount,
    commission: inMoney(price.executedCommission),
    accruedInterest: inMoney(price.extraBond?.aciValue),
    initialMargin: inMoney(price.extraFuture?.initialMargin),
    maxLots,
  };
}
