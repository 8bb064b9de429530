import { isZeroDecimal } from '../../decimal.js';
import type { Operation } from '../../domain.js';
import { mapTinkoffOperationState } from './map-tinkoff-enums.js';
import { tinkoffInstrumentHint } from './map-tinkoff-instrument.js';
import { mapTinkoffOperationType } from './map-tinkoff-operation-type.js';
import { moneyValueToMoney, quotationToDecimal } from './quotation.js';
import type { OperationItem } from './wire.js';

// OperationsService/GetOperationsByCursor → items[], one trimmed:
// {"cursor":"...","id":"35416277905","date":"2024-03-15T08:02:10.514Z","type":"OPERATION_TYPE_BUY",
//  "state":"OPERATION_STATE_EXECUTED","figi":"BBG004730N88","instrumentType":"share","ticker":"SBER",
//  "payment":{"currency":"rub","units":"-7995","nano":0},"price":{"currency":"rub","units":"266","nano":500000000},
//  "commission":{"currency":"rub","units":"-2","nano":-400000000},"quantity":"30","quantityDone":"30"}
export function mapTinkoffOperation(item: OperationItem): Operation {
  const hasInstrument = Boolean(item.figi || item.instrumentUid);
  // What was executed when anything was; otherwise (declined, in progress) what was asked for.
  const quantity = item.quantityDone && item.quantityDone !== '0' ? item.quantityDone : item.quantity;
  const price = item.price ? quotationToDecimal(item.price) : null;
  const commission = item.commission ? moneyValueToMoney(item.commission) : null;
  const payment = item.payment ? moneyValueToMoney(item.payment) : { amount: '0', currency: commission?.currency ?? '' };
  return {
    id: item.id,
    type: mapTinkoffOperationType(item.type),
    brokerType: item.type,
    status: mapTinkoffOperationState(item.state),
    date: item.date,
    instrument: hasInstrument ? tinkoffInstrumentHint(item) : null,
    quantity: hasInstrument && quantity !== '0' ? quantity : null,
    price: price !== null && !isZeroDecimal(price) ? price : null,
    payment,
    commission: commission && !isZeroDecimal(commission.amount) ? commission : null,
    parentId: item.parentOperationId || null,
  };
}
