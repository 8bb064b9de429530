import Big from 'big.js';
import { valueOf, type SimulatedInstrument, type SimulatedTrade } from './data.js';
import { bookLevels } from './market.js';
import type { AlorSimulatorState, Holding, SimulatedOrder } from './state.js';
import { alorTime, decimal, endOfDay } from './wire.js';

/**
 * Simple-format bodies built from the simulator's state, field for field and in the order of
 * ALOR's schemas (WarpOpenAPIv2.yml `response_*_Simple`).
 */

/** `response_Order_Simple`; ALOR example `Order_Simple`. */
export function orderBody(order: SimulatedOrder, instrument: SimulatedInstrument) {
  const filledUnits = order.filledLots * instrument.lotsize;
  const units = order.lots * instrument.lotsize;
  return {
    id: order.id,
    symbol: order.symbol,
    board: order.board,
    brokerSymbol: `${order.exchange}:${order.symbol}`,
    portfolio: order.portfolio,
    exchange: order.exchange,
    comment: order.comment,
    type: order.type,
    side: order.side,
    status: order.status,
    transTime: alorTime(order.placedAt),
    updateTime: alorTime(order.updatedAt),
    endTime: endOfDay(order.placedAt),
    qtyUnits: units,
    qtyBatch: order.lots,
    qty: order.lots,
    filledQtyUnits: filledUnits,
    filledQtyBatch: order.filledLots,
    filled: order.filledLots,
    price: decimal(order.price),
    existing: true,
    timeInForce: order.timeInForce,
    iceberg: order.iceberg
      ? {
          creationFixedQuantity: order.iceberg.fixedLots * instrument.lotsize,
          creationVarianceQuantity: order.iceberg.variancePercent,
          visibleQuantity: order.iceberg.fixedLots * instrument.lotsize,
          visibleQuantityBatch: order.iceberg.fixedLots,
          visibleFilledQuantity: 0,
          visibleFilledQuantityBatch: 0,
        }
      : null,
    // "null for market orders" (alor.md §7): a market order has no price to value it at.
    volume: order.type === 'market' ? null : decimal(valueOf(instrument, order.price, units)),
  };
}

/** `response_Trade_V2_Simple`; ALOR example `Trades_V2_Simple`. */
export function tradeBody(trade: SimulatedTrade) {
  return {
    id: trade.id,
    orderno: trade.orderId,
    comment: trade.comment,
    symbol: trade.symbol,
    brokerSymbol: `${trade.exchange}:${trade.symbol}`,
    exchange: trade.exchange,
    date: alorTime(trade.date),
    board: trade.board,
    qtyUnits: trade.units,
    qtyBatch: trade.lots,
    qty: trade.lots,
    price: decimal(trade.price),
    accruedInt: decimal(trade.accruedInterest),
    side: trade.side,
    existing: false,
    commission: decimal(trade.commission),
    repoSpecificFields: null,
    volume: decimal(trade.volume),
  };
}

/** `response_Position_Simple` for a security; ALOR example `Position_Simple`. */
export function positionBody(portfolio: string, holding: Holding, instrument: SimulatedInstrument) {
  const units = new Big(holding.units);
  const lots = (amount: Big.BigSource) => decimal(new Big(amount).div(instrument.lotsize));
  return {
    volume: decimal(valueOf(instrument, holding.averagePrice, units)),
    currentVolume: decimal(valueOf(instrument, instrument.lastPrice, units)),
    symbol: holding.symbol,
    brokerSymbol: `${holding.exchange}:${holding.symbol}`,
    portfolio,
    exchange: holding.exchange,
    avgPrice: decimal(holding.averagePrice),
    qtyUnits: decimal(units),
    openUnits: decimal(holding.openUnits),
    lotSize: instrument.lotsize,
    shortName: instrument.shortname,
    qtyT0: decimal(units),
    qtyT1: decimal(units),
    qtyT2: decimal(units),
    qtyTFuture: decimal(units),
    qtyT0Batch: lots(units),
    qtyT1Batch: lots(units),
    qtyT2Batch: lots(units),
    qtyTFutureBatch: lots(units),
    qtyBatch: lots(units),
    openQtyBatch: lots(holding.openUnits),
    qty: lots(units),
    open: lots(holding.openUnits),
    dailyUnrealisedPl: decimal(dailyProfit(holding, instrument)),
    unrealisedPl: decimal(units.eq(0) ? 0 : valueOf(instrument, new Big(instrument.lastPrice).minus(holding.averagePrice), units)),
    isCurrency: false,
    existing: true,
  };
}

/** The roubles row of /positions, shaped as alor.md §6 composes it (symbol RUB, every quantity = the amount). */
export function moneyBody(portfolio: string, amount: Big) {
  const value = decimal(amount);
  return {
    volume: 0,
    currentVolume: 0,
    symbol: 'RUB',
    brokerSymbol: 'MOEX:RUB',
    portfolio,
    exchange: 'MOEX',
    avgPrice: 0,
    qtyUnits: value,
    openUnits: value,
    lotSize: 0,
    shortName: 'Рубль',
    qtyT0: value,
    qtyT1: value,
    qtyT2: value,
    qtyTFuture: value,
    qtyT0Batch: value,
    qtyT1Batch: value,
    qtyT2Batch: value,
    qtyTFutureBatch: value,
    qtyBatch: value,
    openQtyBatch: value,
    qty: value,
    open: value,
    dailyUnrealisedPl: 0,
    unrealisedPl: 0,
    isCurrency: true,
    existing: true,
  };
}

function dailyProfit(holding: Holding, instrument: SimulatedInstrument): Big {
  return valueOf(instrument, new Big(instrument.lastPrice).minus(instrument.previousClose), holding.units);
}

/** Portfolio value on one exchange: roubles (kept on MOEX) plus the securities' current value. */
function evaluate(state: AlorSimulatorState, portfolio: string, exchange: string) {
  let securities = new Big(0);
  let profit = new Big(0);
  for (const holding of state.holdings(portfolio, exchange)) {
    const instrument = state.instrument(holding.exchange, holding.symbol)!;
    securities = securities.plus(valueOf(instrument, instrument.lastPrice, holding.units));
    profit = profit.plus(dailyProfit(holding, instrument));
  }
  const cash = exchange === 'MOEX' ? state.cash(portfolio) : new Big(0);
  return { evaluation: cash.plus(securities), profit };
}

/** `response_Summary_Simple`; ALOR example `Summary_Simple`. */
export function summaryBody(state: AlorSimulatorState, portfolio: string, exchange: string) {
  const { evaluation, profit } = evaluate(state, portfolio, exchange);
  const buyingPower = state.cash(portfolio).minus(state.reservedCash(portfolio));
  const base = evaluation.minus(profit);
  const commission = state.tradesOf(portfolio, exchange).reduce((sum, trade) => sum.plus(trade.commission), new Big(0));
  return {
    buyingPowerAtMorning: decimal(state.openingCash(portfolio)),
    buyingPower: decimal(buyingPower),
    profit: decimal(profit),
    profitRate: decimal(base.eq(0) ? 0 : profit.div(base).times(100).round(2, Big.roundHalfUp)),
    portfolioEvaluation: decimal(evaluation),
    portfolioLiquidationValue: decimal(evaluation),
    // Not margin accounts: nothing is lent, so no margin requirements.
    initialMargin: 0,
    correctedMargin: 0,
    riskBeforeForcePositionClosing: decimal(evaluation),
    // "null for FORTS" — derivatives portfolios are the 75… ones.
    commission: portfolio.startsWith('75') ? null : decimal(commission),
    buyingPowerByCurrency: [{ currency: 'RUB', buyingPower: decimal(buyingPower) }],
  };
}

/** `response_Risk_Simple`; ALOR example `Risk_Simple`. */
export function riskBody(state: AlorSimulatorState, portfolio: string, exchange: string, now: number) {
  const { evaluation } = evaluate(state, portfolio, exchange);
  return {
    portfolio,
    exchange,
    portfolioEvaluation: decimal(evaluation),
    portfolioLiquidationValue: decimal(evaluation),
    initialMargin: 0,
    minimalMargin: 0,
    correctedMargin: 0,
    riskCoverageRatioOne: decimal(evaluation),
    riskCoverageRatioTwo: decimal(evaluation),
    riskCategoryId: 1,
    clientType: 'StandardRisk',
    hasForbiddenPositions: false,
    hasNegativeQuantity: false,
    riskStatus: 'Ok',
    calculationTime: alorTime(now),
  };
}

/** `response_Security_Simple`; shaped after ALOR's `Security_Simple` example. */
export function securityBody(instrument: SimulatedInstrument, tradingOpen: boolean) {
  return {
    symbol: instrument.symbol,
    shortname: instrument.shortname,
    description: instrument.description,
    exchange: instrument.exchange,
    market: instrument.market,
    type: instrument.type,
    lotsize: instrument.lotsize,
    facevalue: decimal(instrument.facevalue),
    cfiCode: instrument.cfiCode,
    cancellation: instrument.cancellation,
    minstep: decimal(instrument.minstep),
    rating: instrument.rating,
    marginbuy: 0,
    marginsell: 0,
    marginrate: 0,
    pricestep: decimal(instrument.pricestep),
    priceMax: decimal(instrument.priceMax),
    priceMin: decimal(instrument.priceMin),
    theorPrice: 0,
    theorPriceLimit: 0,
    volatility: 0,
    currency: instrument.currency,
    ISIN: instrument.isin,
    yield: instrument.yield === null ? null : decimal(instrument.yield),
    board: instrument.board,
    primary_board: instrument.board,
    tradingStatus: tradingOpen ? instrument.tradingStatus : 18,
    tradingStatusInfo: tradingOpen ? instrument.tradingStatusInfo : 'закрытие торгов',
    complexProductCategory: instrument.complexProductCategory,
    priceMultiplier: 1,
    priceShownUnits: 1,
  };
}

/** `response_OrderBook_Simple`; ALOR example `OrderBook_Simple`. */
export function orderbookBody(state: AlorSimulatorState, instrument: SimulatedInstrument, depth: number, now: number) {
  const { bids, asks } = bookLevels(state.market, instrument, depth);
  return { snapshot: true, bids, asks, timestamp: Math.floor(now / 1000), ms_timestamp: now, existing: true };
}

/** `response_Symbol_Simple`; ALOR example `Symbols_Simple`. */
export function quoteBody(state: AlorSimulatorState, instrument: SimulatedInstrument, now: number) {
  const { bids, asks } = bookLevels(state.market, instrument, 50);
  const last = new Big(instrument.lastPrice);
  const change = last.minus(instrument.previousClose);
  const accrued = decimal(instrument.accruedInterest);
  return {
    symbol: instrument.symbol,
    exchange: instrument.exchange,
    description: instrument.description,
    prev_close_price: decimal(instrument.previousClose),
    last_price: decimal(last),
    last_price_timestamp: Math.floor(now / 1000),
    high_price: decimal(instrument.highPrice),
    low_price: decimal(instrument.lowPrice),
    accruedInt: accrued,
    volume: instrument.volumeToday,
    open_interest: null,
    ask: asks[0]!.price,
    bid: bids[0]!.price,
    ask_vol: asks[0]!.volume,
    bid_vol: bids[0]!.volume,
    ob_ms_timestamp: null,
    open_price: decimal(instrument.openPrice),
    yield: instrument.yield === null ? null : decimal(instrument.yield),
    lotsize: instrument.lotsize,
    lotvalue: decimal(valueOf(instrument, last, instrument.lotsize)),
    facevalue: decimal(instrument.facevalue),
    type: instrument.type,
    total_bid_vol: bids.reduce((sum, level) => sum + level.volume, 0),
    total_ask_vol: asks.reduce((sum, level) => sum + level.volume, 0),
    accrued_interest: accrued,
    change: decimal(change),
    change_percent: decimal(change.div(instrument.previousClose).times(100).round(2, Big.roundHalfUp)),
  };
}
