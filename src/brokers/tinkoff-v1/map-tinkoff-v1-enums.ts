import type { OperationStatus, OrderSide, OrderStatus, OrderType } from '../../domain.js';

// Small lookups from v1 enum names (swagger components.schemas) to the unified enums. Unknown
// values never throw: v1 servers sent values the swagger did not list (trading statuses, order
// states), and a new one must not break a portfolio query.

export function mapTinkoffV1AccountType(type: string): string | null {
  switch (type) {
    case 'Tinkoff':
      return 'BROKERAGE';
    case 'TinkoffIis':
      return 'IIS';
    default:
      return type || null;
  }
}

export function mapTinkoffV1OrderStatus(status: string): OrderStatus {
  switch (status) {
    case 'New':
      return 'NEW';
    case 'PartiallyFill':
      return 'PARTIALLY_FILLED';
    case 'Fill':
      return 'FILLED';
    case 'Cancelled':
      return 'CANCELLED';
    case 'Rejected':
      return 'REJECTED';
    case 'PendingNew':
    case 'PendingCancel':
    case 'PendingReplace':
      return 'PENDING';
    // "Replaced" (FIX: the order lives on with changed parameters) says nothing about fills.
    default:
      return 'UNKNOWN';
  }
}

/** The `operation` of an order: v1's OperationType is only Buy or Sell. */
export function mapTinkoffV1OrderSide(operation: string): OrderSide | null {
  switch (operation) {
    case 'Buy':
      return 'BUY';
    case 'Sell':
      return 'SELL';
    default:
      return null;
  }
}

export function mapTinkoffV1OrderType(type: string, hasPrice: boolean): OrderType {
  switch (type) {
    case 'Limit':
      return 'LIMIT';
    case 'Market':
      return 'MARKET';
    default:
      return hasPrice ? 'LIMIT' : 'MARKET';
  }
}

export function mapTinkoffV1OperationStatus(status: string): OperationStatus {
  switch (status) {
    case 'Done':
      return 'DONE';
    case 'Decline':
      return 'DECLINED';
    case 'Progress':
      return 'IN_PROGRESS';
    default:
      return 'UNKNOWN';
  }
}

/** The schema's lower-case vocabulary, as the T-Invest v2 adapter writes it ("Stock" is a share). */
export function mapTinkoffV1InstrumentType(type: string | undefined): string | null {
  if (!type) return null;
  return type === 'Stock' ? 'share' : type.toLowerCase();
}
