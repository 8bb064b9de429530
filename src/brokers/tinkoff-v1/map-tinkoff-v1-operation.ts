import { isZeroDecimal } from '../../decimal.js';
import type { Operation } from '../../domain.js';
import { mapTinkoffV1OperationStatus } from './map-tinkoff-v1-enums.js';
import { tinkoffV1InstrumentHint } from './map-tinkoff-v1-instrument.js';
import { mapTinkoffV1OperationType } from './map-tinkoff-v1-operation-type.js';
import type { WireOperation } from './wire.js';

// GET /operations?from=…&to=…&brokerAccountId=… → payload.operations[], three trimmed:
// {"operationType":"Buy","date":"2021-03-15T11:02:10.514+03:00","isMarginCall":false,"instrumentType":"Stock",
//  "figi":"BBG004730N88","quantity":30,"quantityExecuted":30,"price":266.5,"payment":-7995,"currency":"RUB",
//  "commission":{"currency":"RUB","value":-2.4},"trades":[…],"status":"Done","id":"22990413577"}
// {"operationType":"BrokerCommission","date":"2021-03-15T11:02:10.514+03:00","isMarginCall":false,"instrumentType":"Stock",
//  "figi":"BBG004730N88","quantity":0,"quantityExecuted":0,"payment":-2.4,"currency":"RUB","status":"Done","id":"901234567"}
// {"operationType":"PayIn","date":"2021-03-14T18:40:02+03:00","isMarginCall":false,"payment":1E+4,"currency":"RUB","status":"Done","id":"900877120"}
/**
 * `payment` is already signed (money out negative) and never includes the fee: v1 books every
 * trade's fee a second time as its own BrokerCommission row. So the sum of payments is the
 * cash movement, and `commission` on a trade is the same fee shown beside it (negative, as
 * v1 sends it) — a client adding both counts the fee twice.
 */
export function mapTinkoffV1Operation(operation: WireOperation): Operation {
  const brokerType = operation.operationType ?? '';
  // What was executed when anything was; otherwise (declined, in progress) what was asked for.
  const executed = operation.quantityExecuted;
  const quantity = executed !== undefined && !isZeroDecimal(executed) ? executed : operation.quantity;
  const commission = operation.commission;
  return {
    id: operation.id,
    type: mapTinkoffV1OperationType(brokerType),
    brokerType,
    status: mapTinkoffV1OperationStatus(operation.status),
    date: operation.date,
    instrument: operation.figi ? tinkoffV1InstrumentHint({ figi: operation.figi, instrumentType: operation.instrumentType }) : null,
    // Fee rows carry quantity 0: they moved no instruments.
    quantity: operation.figi && quantity !== undefined && !isZeroDecimal(quantity) ? quantity : null,
    price: operation.price !== undefined && !isZeroDecimal(operation.price) ? operation.price : null,
    payment: { amount: operation.payment, currency: operation.currency.toUpperCase() },
    commission:
      commission && !isZeroDecimal(commission.value) ? { amount: commission.value, currency: commission.currency.toUpperCase() } : null,
  };
}
