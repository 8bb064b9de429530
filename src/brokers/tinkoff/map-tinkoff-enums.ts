import type { OperationStatus, OrderSide, OrderStatus, OrderType } from '../../domain.js';

// Small lookups from T-Invest enum names to the unified enums. Unknown values never throw:
// T-Invest adds enum values over time, and a new one must not break a portfolio query.

export function mapTinkoffOrderStatus(status: string): OrderStatus {
  switch (status) {
    case 'EXECUTION_REPORT_STATUS_NEW':
      return 'NEW';
    case 'EXECUTION_REPORT_STATUS_PARTIALLYFILL':
      return 'PARTIALLY_FILLED';
    case 'EXECUTION_REPORT_STATUS_FILL':
      return 'FILLED';
    case 'EXECUTION_REPORT_STATUS_CANCELLED':
      return 'CANCELLED';
    case 'EXECUTION_REPORT_STATUS_REJECTED':
      return 'REJECTED';
    default:
      return 'UNKNOWN';
  }
}

export function mapTinkoffOrderDirection(direction: string): OrderSide | null {
  switch (direction) {
    case 'ORDER_DIRECTION_BUY':
      return 'BUY';
    case 'ORDER_DIRECTION_SELL':
      return 'SELL';
    default:
      return null;
  }
}

/** BESTPRICE executes against the book like a market order; an unspecified type is read from the price. */
export function mapTinkoffOrderType(orderType: string, hasPrice: boolean): OrderType {
  switch (orderType) {
    case 'ORDER_TYPE_LIMIT':
      return 'LIMIT';
    case 'ORDER_TYPE_MARKET':
    case 'ORDER_TYPE_BESTPRICE':
      return 'MARKET';
    default:
      return hasPrice ? 'LIMIT' : 'MARKET';
  }
}

export function mapTinkoffOperationState(state: string): OperationStatus {
  switch (state) {
    case 'OPERATION_STATE_EXECUTED':
      return 'DONE';
    case 'OPERATION_STATE_CANCELED':
      return 'DECLINED';
    case 'OPERATION_STATE_PROGRESS':
      return 'IN_PROGRESS';
    default:
      return 'UNKNOWN';
  }
}

export function mapTinkoffAccountType(type: string): string | null {
  switch (type) {
    case 'ACCOUNT_TYPE_TINKOFF':
      return 'BROKERAGE';
    case 'ACCOUNT_TYPE_TINKOFF_IIS':
      return 'IIS';
    case 'ACCOUNT_TYPE_INVEST_BOX':
      return 'INVEST_BOX';
    case 'ACCOUNT_TYPE_UNSPECIFIED':
      return null;
    default:
      return type.replace(/^ACCOUNT_TYPE_/, '');
  }
}
