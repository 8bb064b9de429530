import type { OrderSide, OrderType } from '../../domain.js';

/**
 * MT4 trade commands (`Cmd`), the one enum every InstaForex record carries (§4.3, §4.4).
 * `name` is MT4's own constant, kept as Operation.brokerType.
 *
 * Stop orders (4, 5) are MARKET: when the price reaches the stop, MT4 fills them at market. The
 * unified OrderType has no STOP, and LIMIT would claim the opposite execution (a buy limit buys
 * at or below its price, a buy stop at or above). Their trigger price is not shown, as
 * Order.price is documented as the limit price, null for market orders.
 */
export type CommandRole = 'position' | 'pending' | 'balance' | 'credit' | 'unknown';

export interface Mt4Command {
  name: string;
  role: CommandRole;
  side: OrderSide | null;
  /** For pending orders: the order type it becomes in the unified model. */
  orderType: OrderType | null;
}

const commands: Record<number, Mt4Command> = {
  0: { name: 'OP_BUY', role: 'position', side: 'BUY', orderType: null },
  1: { name: 'OP_SELL', role: 'position', side: 'SELL', orderType: null },
  2: { name: 'OP_BUYLIMIT', role: 'pending', side: 'BUY', orderType: 'LIMIT' },
  3: { name: 'OP_SELLLIMIT', role: 'pending', side: 'SELL', orderType: 'LIMIT' },
  4: { name: 'OP_BUYSTOP', role: 'pending', side: 'BUY', orderType: 'MARKET' },
  5: { name: 'OP_SELLSTOP', role: 'pending', side: 'SELL', orderType: 'MARKET' },
  6: { name: 'OP_BALANCE', role: 'balance', side: null, orderType: null },
  7: { name: 'OP_CREDIT', role: 'credit', side: null, orderType: null },
};

/** An unknown command never fails a query: it is kept by number and mapped to OTHER. */
export function mt4Command(cmd: number): Mt4Command {
  return Object.hasOwn(commands, cmd) ? commands[cmd]! : { name: `CMD_${cmd}`, role: 'unknown', side: null, orderType: null };
}
