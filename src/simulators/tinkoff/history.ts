import type { SimulatedCandle } from '../common/candles.js';
import type { SeedOperation } from './data.js';
import type { TinkoffSimulatorState } from './state.js';
import { moneyValue, quotation } from './wire.js';

/**
 * T-Invest's history answers: operations (GetOperationsByCursor items and GetOperations rows) and
 * candles (GetCandles), field for field as tinvest-v2/openapi.yaml writes them.
 */

export function operationItem(state: TinkoffSimulatorState, operation: SeedOperation, cursor: string) {
  const instrument = operation.figi ? state.findInstrument(operation.figi) : undefined;
  const quantity = operation.quantity ?? 0;
  const done = operation.quantityDone ?? quantity;
  return {
    cursor,
    brokerAccountId: operation.accountId,
    id: operation.id,
    parentOperationId: operation.parentId ?? '',
    name: operation.description,
    date: operation.date,
    type: operation.type,
    description: operation.description,
    state: operation.state,
    instrumentUid: instrument?.uid ?? '',
    figi: operation.figi ?? '',
    instrumentType: instrument?.instrumentType ?? '',
    instrumentKind: instrument?.instrumentKind ?? 'INSTRUMENT_TYPE_UNSPECIFIED',
    positionUid: instrument?.positionUid ?? '',
    ticker: instrument?.ticker ?? '',
    classCode: instrument?.classCode ?? '',
    payment: moneyValue(operation.payment, operation.currency),
    price: moneyValue(operation.price ?? '0', operation.currency),
    commission: moneyValue(operation.commission ?? '0', operation.currency),
    yield: moneyValue('0', operation.currency),
    yieldRelative: quotation('0'),
    accruedInt: moneyValue('0', operation.currency),
    quantity: String(quantity),
    quantityRest: String(quantity - done),
    quantityDone: String(done),
    cancelDateTime: operation.state === 'OPERATION_STATE_CANCELED' ? operation.date : undefined,
    cancelReason: operation.state === 'OPERATION_STATE_CANCELED' ? 'Отменено биржей' : '',
    tradesInfo: { trades: [] },
    assetUid: '',
    childOperations: [],
  };
}

export function v1Operation(state: TinkoffSimulatorState, operation: SeedOperation) {
  const instrument = operation.figi ? state.findInstrument(operation.figi) : undefined;
  const quantity = operation.quantity ?? 0;
  return {
    id: operation.id,
    parentOperationId: operation.parentId ?? '',
    currency: operation.currency,
    payment: moneyValue(operation.payment, operation.currency),
    price: moneyValue(operation.price ?? '0', operation.currency),
    state: operation.state,
    quantity: String(quantity),
    quantityRest: String(quantity - (operation.quantityDone ?? quantity)),
    figi: operation.figi ?? '',
    instrumentType: instrument?.instrumentType ?? '',
    date: operation.date,
    type: operation.description,
    operationType: operation.type,
    trades: [],
    assetUid: '',
    positionUid: instrument?.positionUid ?? '',
    instrumentUid: instrument?.uid ?? '',
    childOperations: [],
  };
}

/** GetCandles: HistoricCandle rows (marketdata.proto), prices as Quotations, volume in lots. */
export function candlesBody(candles: readonly SimulatedCandle[]) {
  return {
    candles: candles.map((candle) => ({
      open: quotation(candle.open),
      high: quotation(candle.high),
      low: quotation(candle.low),
      close: quotation(candle.close),
      volume: String(candle.volume),
      time: new Date(candle.start).toISOString(),
      isComplete: candle.complete,
      candleSource: 'CANDLE_SOURCE_EXCHANGE',
      volumeBuy: String(Math.ceil(candle.volume / 2)),
      volumeSell: String(Math.floor(candle.volume / 2)),
    })),
  };
}
