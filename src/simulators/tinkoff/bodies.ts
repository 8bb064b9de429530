import Big from 'big.js';
import type { Access } from './auth.js';
import type { SimulatedInstrument } from './data.js';
import type { BookLevel } from '../common/market.js';
import { priceBand } from './market.js';
import type { SimulatedOrder, TinkoffSimulatorState } from './state.js';
import { moneyValue, newTrackingId, quotation } from './wire.js';

/**
 * T-Invest answer bodies built from the simulator's state, with the members production sends
 * (tinvest-v2/openapi.yaml), numbers as Quotation/MoneyValue and lower-case currencies.
 */

export function accountsBody(state: TinkoffSimulatorState, access: Access) {
  return {
    accounts: state.accounts.map((account) => ({
      id: account.id,
      type: account.type,
      name: account.name,
      status: account.status,
      openedDate: account.openedDate,
      ...(account.closedDate ? { closedDate: account.closedDate } : {}),
      // "Determined by the token": a read-only token reads at most.
      accessLevel:
        access === 'readonly' && account.accessLevel === 'ACCOUNT_ACCESS_LEVEL_FULL_ACCESS' ? 'ACCOUNT_ACCESS_LEVEL_READ_ONLY' : account.accessLevel,
    })),
  };
}

/** GetPositions: free cash (blocked cash apart), and securities with their blocked units. */
export function positionsBody(state: TinkoffSimulatorState, accountId: string) {
  const blocked = state.blockedCash(accountId);
  return {
    money: [...state.totalCash(accountId)].map(([currency, total]) =>
      moneyValue(new Big(total).minus(blocked.get(currency) ?? '0').toFixed(), currency),
    ),
    blocked: [...blocked].map(([currency, amount]) => moneyValue(amount, currency)),
    securities: [...state.securities(accountId)].map(([figi, holding]) => {
      const instrument = state.instrument(figi);
      const blockedUnits = state.blockedUnits(accountId, figi);
      return {
        figi,
        blocked: blockedUnits,
        balance: new Big(holding.quantity).minus(blockedUnits).toFixed(),
        positionUid: instrument.positionUid,
        instrumentUid: instrument.uid,
        ticker: instrument.ticker,
        classCode: instrument.classCode,
        exchangeBlocked: false,
        instrumentType: instrument.instrumentType,
      };
    }),
    limitsLoadingInProgress: false,
    futures: [],
    options: [],
    accountId,
  };
}

export function portfolioBody(state: TinkoffSimulatorState, accountId: string) {
  const usdRate = state.instrument('BBG0013HGFT4').lastPrice;
  const toRub = (amount: Big, currency: string) => (currency === 'usd' ? amount.times(usdRate) : amount);
  let shares = new Big(0);
  let bonds = new Big(0);
  let etfs = new Big(0);
  const positions = [...state.securities(accountId)].map(([figi, holding]) => {
    const instrument = state.instrument(figi);
    const quantity = new Big(holding.quantity);
    const value = toRub(quantity.times(instrument.lastPrice), instrument.currency);
    if (instrument.instrumentType === 'share') shares = shares.plus(value);
    if (instrument.instrumentType === 'bond') bonds = bonds.plus(value);
    if (instrument.instrumentType === 'etf') etfs = etfs.plus(value);
    return positionBody(instrument, holding.quantity, holding.averagePrice, instrument.lastPrice, instrument.currency, state.blockedUnits(accountId, figi));
  });
  let currencies = new Big(0);
  for (const [currency, total] of state.totalCash(accountId)) {
    const instrument = currency === 'usd' ? state.instrument('BBG0013HGFT4') : state.instrument('RUB000UTSTOM');
    currencies = currencies.plus(toRub(new Big(total), currency));
    const price = currency === 'usd' ? instrument.lastPrice : '1';
    positions.push(positionBody(instrument, total, currency === 'usd' ? '88.5' : '1', price, 'rub', '0'));
  }
  const total = shares.plus(bonds).plus(etfs).plus(currencies);
  const rub = (amount: Big) => moneyValue(amount.round(2, Big.roundHalfUp).toFixed(), 'rub');
  return {
    totalAmountShares: rub(shares),
    totalAmountBonds: rub(bonds),
    totalAmountEtf: rub(etfs),
    totalAmountCurrencies: rub(currencies),
    totalAmountFutures: rub(new Big(0)),
    expectedYield: quotation('0'),
    positions,
    accountId,
    totalAmountOptions: rub(new Big(0)),
    totalAmountSp: rub(new Big(0)),
    totalAmountPortfolio: rub(total),
    virtualPositions: [],
  };
}

function positionBody(
  instrument: SimulatedInstrument,
  quantity: string,
  averagePrice: string,
  currentPrice: string,
  priceCurrency: string,
  blockedUnits: string,
) {
  const units = new Big(quantity);
  return {
    figi: instrument.figi,
    instrumentType: instrument.instrumentType,
    quantity: quotation(quantity),
    averagePositionPrice: moneyValue(averagePrice, priceCurrency),
    expectedYield: quotation(units.times(new Big(currentPrice).minus(averagePrice)).round(2, Big.roundHalfUp).toFixed()),
    currentNkd: instrument.instrumentType === 'bond' ? moneyValue('3.74', 'rub') : undefined,
    currentPrice: moneyValue(currentPrice, priceCurrency),
    averagePositionPriceFifo: moneyValue(averagePrice, priceCurrency),
    quantityLots: quotation(units.div(instrument.lot).round(0, Big.roundDown).toFixed()),
    blocked: false,
    blockedLots: quotation(new Big(blockedUnits).div(instrument.lot).round(0, Big.roundDown).toFixed()),
    positionUid: instrument.positionUid,
    instrumentUid: instrument.uid,
    varMargin: moneyValue('0', priceCurrency),
    expectedYieldFifo: quotation(units.times(new Big(currentPrice).minus(averagePrice)).round(2, Big.roundHalfUp).toFixed()),
    ticker: instrument.ticker,
    classCode: instrument.classCode,
  };
}

export function instrumentBody(instrument: SimulatedInstrument, tradingOpen: boolean) {
  return {
    figi: instrument.figi,
    ticker: instrument.ticker,
    classCode: instrument.classCode,
    isin: instrument.isin,
    lot: instrument.lot,
    currency: instrument.currency,
    name: instrument.name,
    exchange: instrument.exchange,
    countryOfRisk: instrument.currency === 'usd' ? 'US' : 'RU',
    instrumentType: instrument.instrumentType,
    tradingStatus: tradingOpen ? 'SECURITY_TRADING_STATUS_NORMAL_TRADING' : 'SECURITY_TRADING_STATUS_NOT_AVAILABLE_FOR_TRADING',
    otcFlag: false,
    buyAvailableFlag: true,
    sellAvailableFlag: true,
    minPriceIncrement: quotation(instrument.minPriceIncrement),
    apiTradeAvailableFlag: true,
    uid: instrument.uid,
    realExchange: instrument.exchange === 'SPB' ? 'REAL_EXCHANGE_RTS' : 'REAL_EXCHANGE_MOEX',
    positionUid: instrument.positionUid,
    forIisFlag: true,
    forQualInvestorFlag: false,
    weekendFlag: false,
    blockedTcaFlag: false,
    instrumentKind: instrument.instrumentKind,
  };
}

/** GetOrderBook: the market's book, which moves with the random walk and the customers' orders. */
export function orderBookBody(state: TinkoffSimulatorState, instrument: SimulatedInstrument, depth: number, time: string) {
  const { bids, asks } = state.market.book(instrument.figi, depth);
  const level = (entry: BookLevel) => ({ price: quotation(entry.price), quantity: String(entry.quantity) });
  const band = priceBand(instrument);
  return {
    figi: instrument.figi,
    depth,
    bids: bids.map(level),
    asks: asks.map(level),
    lastPrice: quotation(instrument.lastPrice),
    closePrice: quotation(instrument.lastPrice),
    limitUp: quotation(band.up),
    limitDown: quotation(band.down),
    lastPriceTs: time,
    closePriceTs: time,
    orderbookTs: time,
    instrumentUid: instrument.uid,
    ticker: instrument.ticker,
    classCode: instrument.classCode,
  };
}

export function lastPriceBody(instrument: SimulatedInstrument, time: string) {
  return {
    figi: instrument.figi,
    price: quotation(instrument.lastPrice),
    time,
    instrumentUid: instrument.uid,
    ticker: instrument.ticker,
    classCode: instrument.classCode,
    lastPriceType: 'LAST_PRICE_EXCHANGE',
  };
}

export function orderStateBody(state: TinkoffSimulatorState, order: SimulatedOrder) {
  const instrument = state.instrument(order.figi);
  const units = new Big(order.lots).times(instrument.lot);
  return {
    orderId: order.orderId,
    executionReportStatus: order.status,
    lotsRequested: String(order.lots),
    lotsExecuted: String(order.executedLots),
    initialOrderPrice: moneyValue(units.times(order.price).toFixed(), instrument.currency),
    // The whole executed amount (orders.proto: average price × quantity), of what is filled so far.
    executedOrderPrice: moneyValue(new Big(order.executedValue).times(instrument.lot).toFixed(), instrument.currency),
    totalOrderAmount: moneyValue(units.times(order.price).toFixed(), instrument.currency),
    averagePositionPrice: moneyValue(order.executedPrice ?? '0', instrument.currency),
    initialCommission: moneyValue(units.times(order.price).times('0.0005').round(2, Big.roundHalfUp).toFixed(), instrument.currency),
    executedCommission: moneyValue(order.commission, instrument.currency),
    figi: order.figi,
    direction: order.direction,
    initialSecurityPrice: moneyValue(order.orderType === 'ORDER_TYPE_MARKET' ? '0' : order.price, instrument.currency),
    stages: [],
    serviceCommission: moneyValue('0', instrument.currency),
    currency: instrument.currency,
    orderType: order.orderType,
    orderDate: order.orderDate,
    instrumentUid: instrument.uid,
    orderRequestId: order.orderRequestId,
    ticker: instrument.ticker,
    classCode: instrument.classCode,
  };
}

/** PostOrder's answer: the order's state without what only GetOrderState reports, and response metadata. */
export function postedOrderBody(state: TinkoffSimulatorState, order: SimulatedOrder, serverTime: string) {
  const { orderDate: _orderDate, stages: _stages, averagePositionPrice: _average, serviceCommission: _service, ...response } = orderStateBody(state, order);
  return { ...response, message: '', responseMetadata: { trackingId: newTrackingId(), serverTime } };
}
