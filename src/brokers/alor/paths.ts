import { BadUserInputError } from '../../errors.js';
import { pathSegment } from '../http.js';
import type { AlorInstrumentAddress } from './instrument-ref.js';

/**
 * ALOR's paths. Every dynamic part goes through `pathSegment`, so a symbol such as "A/B" or
 * "../x" stays one encoded segment and can never address another resource.
 */
export class AlorPaths {
  constructor(private readonly connection: string) {}

  /** /md/v2/Clients/{exchange}/{portfolio}/{resource…} */
  clientData(exchange: string, portfolio: string, ...resource: string[]): string {
    return `/md/v2/Clients/${this.segment(exchange, 'exchange')}/${this.segment(portfolio, 'portfolio')}${this.rest(resource)}`;
  }

  /** /md/v2/Stats/{exchange}/{portfolio}/history/trades[/{symbol}] */
  historyTrades(exchange: string, portfolio: string, symbol?: string): string {
    const base = `/md/v2/Stats/${this.segment(exchange, 'exchange')}/${this.segment(portfolio, 'portfolio')}/history/trades`;
    return symbol === undefined ? base : `${base}/${this.segment(symbol, 'symbol')}`;
  }

  security({ exchange, symbol }: AlorInstrumentAddress): string {
    return `/md/v2/Securities/${this.segment(exchange, 'exchange')}/${this.segment(symbol, 'symbol')}`;
  }

  /** /md/v2/Securities/{EXCHANGE:SYMBOL,…}/quotes */
  quotes(keyList: string): string {
    return `/md/v2/Securities/${this.segment(keyList, 'instrument list')}/quotes`;
  }

  orderbook({ exchange, symbol }: AlorInstrumentAddress): string {
    return `/md/v2/orderbooks/${this.segment(exchange, 'exchange')}/${this.segment(symbol, 'symbol')}`;
  }

  /** POST …/actions/limit|market */
  orderAction(type: 'limit' | 'market'): string {
    return `/commandapi/warptrans/TRADE/v2/client/orders/actions/${type}`;
  }

  /** DELETE …/orders/{orderId} */
  order(orderId: string): string {
    return `/commandapi/warptrans/TRADE/v2/client/orders/${this.segment(orderId, 'order id')}`;
  }

  private rest(resource: string[]): string {
    return resource.map((part) => `/${this.segment(part, 'path part')}`).join('');
  }

  private segment(value: string, what: string): string {
    try {
      return pathSegment(value, what);
    } catch (error) {
      if (error instanceof BadUserInputError) throw new BadUserInputError(error.message, { connection: this.connection });
      throw error;
    }
  }
}
