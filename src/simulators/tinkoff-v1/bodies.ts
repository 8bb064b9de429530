import Big from 'big.js';
import type { Currency, SimulatedInstrument } from './data.js';
import { bookSide } from './market.js';
import type { PlacedOrder } from './orders.js';
import type { BrokerAccount, OperationRecord, OrderRecord, TinkoffV1SimulatorState } from './state.js';
import { decimal, plain, type DecimalText } from './wire.js';

/**
 * The v1 payload shapes (swagger `components.schemas`), with members in the order real answers
 * had them and optional members left `undefined` so the serializer omits them. Amounts are
 * DecimalText, counts (lots, quantities, depth) plain numbers.
 */

function money(currency: Currency, value: string | Big) {
  return { currency, value: decimal(value) };
}

function floorLots(balance: Big, lot: number): number {
  return Number(balance.div(lot).round(0, Big.roundDown).toFixed());
}

/** Only amounts that are not zero: prod omits `blocked: 0`; the sandbox always sends it (io#399). */
function blockedAmount(account: BrokerAccount, amount: string | undefined): DecimalText | undefined {
  const value = amount ?? '0';
  if (account.environment === 'sandbox') return decimal(value);
  return new Big(value).eq(0) ? undefined : decimal(value);
}

export function accountsPayload(accounts: BrokerAccount[]) {
  return {
    accounts: accounts.map((account) => ({ brokerAccountType: account.brokerAccountType, brokerAccountId: account.brokerAccountId })),
  };
}

/**
 * Securities, then the foreign currencies held (which also appear in /portfolio/currencies, as
 * the real API double-lists them). RUB cash is never a position. The sandbox computes no yields
 * and no average prices.
 */
export function portfolioPayload(state: TinkoffV1SimulatorState, account: BrokerAccount) {
  const sandbox = account.environment === 'sandbox';
  const positions = [...account.holdings].map(([figi, holding]) => {
    const instrument = state.instrument(figi);
    const balance = new Big(holding.balance);
    const yieldBase = holding.averagePriceNoNkd ?? holding.averagePrice;
    const priced = !sandbox && holding.averagePrice !== undefined;
    return {
      figi,
      ticker: instrument.ticker,
      isin: instrument.isin,
      instrumentType: instrument.type,
      balance: decimal(holding.balance),
      blocked: blockedAmount(account, state.blockedUnits(account, figi)),
      lots: floorLots(balance, instrument.lot),
      expectedYield:
        priced && yieldBase !== undefined
          ? money(instrument.currency, balance.times(new Big(instrument.lastPrice).minus(yieldBase)).round(2, Big.roundHalfUp))
          : undefined,
      averagePositionPrice: priced ? money(instrument.currency, holding.averagePrice!) : undefined,
      averagePositionPriceNoNkd: priced && instrument.type === 'Bond' && holding.averagePriceNoNkd ? money(instrument.currency, holding.averagePriceNoNkd) : undefined,
      name: instrument.name,
    };
  });
  const blockedCash = state.blockedCash(account);
  for (const [currency, total] of account.cash) {
    const pair = state.instruments.find((instrument) => instrument.buysCurrency === currency);
    const balance = new Big(total);
    if (!pair || balance.lte(0)) continue;
    const average = sandbox ? undefined : account.currencyAverages.get(currency);
    positions.push({
      figi: pair.figi,
      ticker: pair.ticker,
      isin: pair.isin,
      instrumentType: pair.type,
      balance: decimal(total),
      blocked: blockedAmount(account, blockedCash.get(currency)),
      lots: floorLots(balance, pair.lot),
      expectedYield: average ? money(pair.currency, balance.times(new Big(pair.lastPrice).minus(average)).round(2, Big.roundHalfUp)) : undefined,
      averagePositionPrice: average ? money(pair.currency, average) : undefined,
      averagePositionPriceNoNkd: undefined,
      name: pair.name,
    });
  }
  return { positions };
}

/** Every currency the account has a balance record for (zeros included), alphabetically. */
export function currenciesPayload(state: TinkoffV1SimulatorState, account: BrokerAccount) {
  const blocked = state.blockedCash(account);
  return {
    currencies: [...account.cash]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([currency, balance]) => {
        const blockedHere = blocked.get(currency);
        return {
          currency,
          balance: decimal(balance),
          blocked: blockedHere && !new Big(blockedHere).eq(0) ? decimal(blockedHere) : undefined,
        };
      }),
  };
}

/** A closed market answers with empty sides and no price band (DART capture). */
export function orderbookPayload(instrument: SimulatedInstrument, depth: number) {
  const trading = instrument.tradeStatus === 'NormalTrading';
  const level = (entry: { price: string; quantity: number }) => ({ price: decimal(entry.price), quantity: entry.quantity });
  return {
    figi: instrument.figi,
    depth,
    tradeStatus: instrument.tradeStatus,
    minPriceIncrement: decimal(instrument.minPriceIncrement),
    faceValue: instrument.faceValue === undefined ? undefined : decimal(instrument.faceValue),
    lastPrice: decimal(instrument.lastPrice),
    closePrice: decimal(instrument.closePrice),
    limitUp: trading && instrument.limitUp ? decimal(instrument.limitUp) : undefined,
    limitDown: trading && instrument.limitDown ? decimal(instrument.limitDown) : undefined,
    bids: bookSide(instrument, 'bids', depth).map(level),
    asks: bookSide(instrument, 'asks', depth).map(level),
  };
}

/** MarketInstrument (the /market lists); `faceValue` for bonds is undocumented but real. */
export function marketInstrumentPayload(instrument: SimulatedInstrument) {
  return {
    figi: instrument.figi,
    ticker: instrument.ticker,
    isin: instrument.isin,
    minPriceIncrement: decimal(instrument.minPriceIncrement),
    faceValue: instrument.faceValue === undefined ? undefined : decimal(instrument.faceValue),
    lot: instrument.lot,
    minQuantity: instrument.minQuantity,
    currency: instrument.currency,
    name: instrument.name,
    type: instrument.type,
  };
}

/** SearchMarketInstrument (/market/search/by-figi): the same without `minQuantity`. */
export function searchInstrumentPayload(instrument: SimulatedInstrument) {
  const { minQuantity: _minQuantity, ...rest } = marketInstrumentPayload(instrument);
  return rest;
}

export function instrumentListPayload(list: SimulatedInstrument[]) {
  return { instruments: list.map(marketInstrumentPayload), total: list.length };
}

export function orderPayload(order: OrderRecord) {
  return {
    orderId: order.orderId,
    figi: order.figi,
    operation: order.operation,
    status: order.status,
    requestedLots: order.requestedLots,
    executedLots: order.executedLots,
    type: order.type,
    price: decimal(order.price),
  };
}

/** PlacedLimitOrder / PlacedMarketOrder; the commission is negative like in /operations. */
export function placedOrderPayload(placed: PlacedOrder) {
  return {
    orderId: placed.orderId,
    operation: placed.operation,
    status: placed.status,
    rejectReason: placed.rejectReason,
    message: placed.message,
    requestedLots: placed.requestedLots,
    executedLots: placed.executedLots,
    commission: placed.commission ? money(placed.commission.currency, plain(new Big(placed.commission.value).times(-1))) : undefined,
  };
}

export function operationPayload(operation: OperationRecord) {
  return {
    operationType: operation.operationType,
    date: operation.date,
    isMarginCall: false,
    instrumentType: operation.instrumentType,
    figi: operation.figi,
    quantity: operation.quantity,
    quantityExecuted: operation.quantityExecuted,
    price: operation.price === undefined ? undefined : decimal(operation.price),
    payment: decimal(operation.payment),
    currency: operation.currency,
    commission: operation.commission === undefined ? undefined : money(operation.currency, operation.commission),
    trades: operation.trades?.map((trade) => ({ tradeId: trade.tradeId, date: trade.date, quantity: trade.quantity, price: decimal(trade.price) })),
    status: operation.status,
    id: operation.id,
  };
}
