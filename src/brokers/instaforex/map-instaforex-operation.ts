import { addDecimals, compareDecimals, isZeroDecimal } from '../../decimal.js';
import type { Operation, OperationType } from '../../domain.js';
import { mt4Command, type Mt4Command } from './map-instaforex-command.js';
import { instaforexInstrument } from './map-instaforex-instrument.js';
import { tradePrices } from './prices.js';
import type { TradeRecord } from './wire.js';

function operationType(command: Mt4Command, amount: string): OperationType {
  switch (command.role) {
    case 'position':
    case 'pending':
      return command.side ?? 'OTHER';
    case 'balance': {
      const sign = compareDecimals(amount, '0');
      return sign > 0 ? 'DEPOSIT' : sign < 0 ? 'WITHDRAWAL' : 'OTHER';
    }
    default:
      return 'OTHER';
  }
}

// Closed trades for a period (method path unconfirmed, §4.4): a closed trade and a balance row, trimmed:
// {"Ticket":47139432,"Symbol":"EURUSD","Cmd":0,"Volume":0.05,"OpenTime":1705047200,"OpenPrice":1.0948,"CloseTime":1705289327,
//  "ClosePrice":1.0964899897575378,"Sl":0.0,"Tp":0.0,"Commission":0.0,"Swap":0.0,"Profit":8.45,"Comment":""}
// {"Ticket":47101230,"Symbol":"","Cmd":6,"Volume":0.0,"OpenTime":1704445964,"CloseTime":1704445964,"Profit":1000.0,"Comment":"Deposit"}
/**
 * One MT4 history row is one operation, dated when it changed the balance (CloseTime; OpenTime
 * for rows without one). A closed trade (Cmd 0/1) is a BUY or SELL by its direction: `quantity`
 * its volume in lots, `price` its open price (the price of that buy or sell), `payment` what it
 * realised — MT4's Profit plus Swap — and `commission` MT4's Commission, both signed as MT4 books
 * them. So Σ payment + Σ commission over trades and balance rows is the change of the balance.
 * A pending order in the history (Cmd 2–5) was deleted or expired unfilled: DECLINED, nothing paid.
 * Balance rows (Cmd 6) are DEPOSIT or WITHDRAWAL by sign, credit rows (Cmd 7, bonuses the broker
 * lends) OTHER; brokerType keeps MT4's command name. Rows without any time are left out.
 */
export function mapInstaforexOperation(record: TradeRecord, currency: string): Operation | null {
  const date = record.closetime ?? record.opentime;
  if (date === null) return null;
  const command = mt4Command(record.cmd);
  const symbol = record.symbol.toUpperCase();
  const traded = command.role === 'position' || command.role === 'pending';
  const unfilled = command.role === 'pending';
  const payment = unfilled ? '0' : addDecimals(record.profit, record.swap);
  return {
    id: record.ticket,
    type: operationType(command, payment),
    brokerType: command.name,
    status: unfilled ? 'DECLINED' : 'DONE',
    date,
    instrument: symbol ? instaforexInstrument(symbol) : null,
    quantity: traded && !isZeroDecimal(record.volume) ? record.volume : null,
    price: traded && symbol ? nonZero(tradePrices(symbol, record).openPrice) : null,
    payment: { amount: payment, currency },
    commission: unfilled || isZeroDecimal(record.commission) ? null : { amount: record.commission, currency },
  };
}

function nonZero(value: string): string | null {
  return isZeroDecimal(value) ? null : value;
}
