import { isZeroDecimal } from '../../decimal.js';
import type { OrderSide, OrderStatus, OrderType } from '../../domain.js';

// Small lookups from ALOR's lower-case enum words to the unified enums. Unknown values never
// throw: ALOR may add words, and a new one must not break an orders query.

/** `working` is one ALOR status for both untouched and partly filled orders; the filled lots tell them apart. */
export function mapAlorOrderStatus(status: string, filledLots: string): OrderStatus {
  switch (status.toLowerCase()) {
    case 'working':
      return isZeroDecimal(filledLots) ? 'NEW' : 'PARTIALLY_FILLED';
    case 'filled':
      return 'FILLED';
    case 'canceled':
    case 'cancelled':
      return 'CANCELLED';
    case 'rejected':
      return 'REJECTED';
    default:
      return 'UNKNOWN';
  }
}

export function mapAlorSide(side: string): OrderSide | null {
  switch (side.toLowerCase()) {
    case 'buy':
      return 'BUY';
    case 'sell':
      return 'SELL';
    default:
      return null;
  }
}

/** An unknown type is read from the price: ALOR shows a market order's price as 0. */
export function mapAlorOrderType(type: string, price: string | null | undefined): OrderType {
  switch (type.toLowerCase()) {
    case 'limit':
      return 'LIMIT';
    case 'market':
      return 'MARKET';
    default:
      return price && !isZeroDecimal(price) ? 'LIMIT' : 'MARKET';
  }
}

/** Portfolio prefixes as ALOR issues them (alor.md §3): D… securities, G… FX, 75… derivatives, E… united. */
export function mapAlorPortfolioType(portfolio: string): string | null {
  if (portfolio.startsWith('75')) return 'DERIVATIVES';
  switch (portfolio.charAt(0)) {
    case 'D':
      return 'SECURITIES';
    case 'G':
      return 'FX';
    case 'E':
      return 'UNITED';
    default:
      return null;
  }
}
