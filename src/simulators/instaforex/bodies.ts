import type { BalanceInformation, InstaforexSwitches, Signal, TradeRecord } from './state.js';
import { float32Widened, netDouble, wireTime } from './wire.js';

/**
 * Response bodies in InstaForex's conventions (protocol notes §4): PascalCase keys, MT4 `Cmd`
 * codes, unix-second times (or Json.NET ISO under the `timestampFormat` switch), .NET doubles
 * for every amount, price and volume. Confirmed shapes (signals) ignore the switches that model
 * unconfirmed variants, except the float32 quirk, which is where it was seen.
 */

export function balanceBody(information: BalanceInformation) {
  return {
    Login: information.login,
    Balance: netDouble(information.balance),
    Credit: netDouble(information.credit),
    Equity: netDouble(information.equity),
    Margin: netDouble(information.margin),
    FreeMargin: netDouble(information.freeMargin),
    MarginLevel: netDouble(information.marginLevel),
    Profit: netDouble(information.profit),
    Currency: information.currency,
    Leverage: information.leverage,
  };
}

/** An MT4 TradeRecord; `CloseTime` only for history rows, as an open trade has not closed. */
export function tradeBody(record: TradeRecord, switches: InstaforexSwitches) {
  const price = (value: string) => (record.float32 && switches.float32Prices ? float32Widened(value) : netDouble(value));
  return {
    Ticket: record.ticket,
    Login: record.login,
    Symbol: record.symbol,
    Cmd: record.cmd,
    Volume: netDouble(record.volume),
    OpenTime: wireTime(record.openTime, switches.timestampFormat),
    OpenPrice: price(record.openPrice),
    Sl: price(record.sl),
    Tp: price(record.tp),
    ...(record.closeTime === undefined ? {} : { CloseTime: wireTime(record.closeTime, switches.timestampFormat) }),
    ClosePrice: price(record.closePrice),
    Commission: netDouble(record.commission),
    Swap: netDouble(record.swap),
    Profit: netDouble(record.profit),
    Comment: record.comment,
  };
}

/** A clientmobile analytic signal, as captured from the real API (unix `ActualTime` always). */
export function signalBody(signal: Signal, switches: InstaforexSwitches) {
  const price = (value: string) => (signal.float32 && switches.float32Prices ? float32Widened(value) : netDouble(value));
  return {
    Id: signal.id,
    ActualTime: signal.actualTime,
    Comment: signal.comment,
    Pair: signal.pair,
    Cmd: signal.cmd,
    TradingSystem: signal.tradingSystem,
    Period: signal.period,
    Price: price(signal.price),
    Sl: price(signal.sl),
    Tp: price(signal.tp),
  };
}
