import type { AlorExchange, AlorOrderNumber, AlorPortfolio, AlorSymbol } from './identifiers.js';
import { alorInstrumentKey, type AlorInstrumentAddress } from './instrument-ref.js';

/**
 * ALOR's paths, built only from values that passed ALOR's grammars (identifiers.ts): letters,
 * digits and `.`, `_`, `-` — nothing that needs encoding, nothing that can name another resource
 * ("all", "..", "a/b"). The types make any other string a compile error.
 */
export const alorPaths = {
  /** /md/v2/Clients/{exchange}/{portfolio}/{resource} */
  clientData(exchange: AlorExchange, portfolio: AlorPortfolio, resource: 'positions' | 'summary' | 'orders' | 'trades'): string {
    return `/md/v2/Clients/${exchange}/${portfolio}/${resource}`;
  },

  /** /md/v2/Clients/{exchange}/{portfolio}/orders/{orderId} */
  clientOrder(exchange: AlorExchange, portfolio: AlorPortfolio, orderNumber: AlorOrderNumber): string {
    return `/md/v2/Clients/${exchange}/${portfolio}/orders/${orderNumber}`;
  },

  /** /md/v2/Stats/{exchange}/{portfolio}/history/trades[/{symbol}] */
  historyTrades(exchange: AlorExchange, portfolio: AlorPortfolio, symbol?: AlorSymbol): string {
    const base = `/md/v2/Stats/${exchange}/${portfolio}/history/trades`;
    return symbol === undefined ? base : `${base}/${symbol}`;
  },

  security({ exchange, symbol }: AlorInstrumentAddress): string {
    return `/md/v2/Securities/${exchange}/${symbol}`;
  },

  /**
   * /md/v2/Securities/MOEX:SBER,MOEX:GAZP/quotes — SPEC `path_Symbols`: pairs separated by commas,
   * exchange and symbol by a colon, written as real clients write them (`:` and `,` are legal in a
   * path segment, RFC 3986 §3.3), not as MOEX%3ASBER%2C….
   */
  quotes(instruments: readonly AlorInstrumentAddress[]): string {
    return `/md/v2/Securities/${instruments.map(alorInstrumentKey).join(',')}/quotes`;
  },

  orderbook({ exchange, symbol }: AlorInstrumentAddress): string {
    return `/md/v2/orderbooks/${exchange}/${symbol}`;
  },

  /** POST …/actions/limit|market */
  orderAction(type: 'limit' | 'market'): string {
    return `/commandapi/warptrans/TRADE/v2/client/orders/actions/${type}`;
  },

  /** POST …/orders/estimate */
  estimate(): string {
    return '/commandapi/warptrans/TRADE/v2/client/orders/estimate';
  },

  /** DELETE …/orders/{orderId} */
  order(orderNumber: AlorOrderNumber): string {
    return `/commandapi/warptrans/TRADE/v2/client/orders/${orderNumber}`;
  },
};

export type AlorPaths = typeof alorPaths;
