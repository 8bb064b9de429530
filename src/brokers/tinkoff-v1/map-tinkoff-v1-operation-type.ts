import type { OperationType } from '../../domain.js';

/**
 * v1's OperationTypeWithCommission (swagger) → the unified operation types. Anything not
 * listed is OTHER, and the raw name is kept in Operation.brokerType.
 */
const operationTypes: Record<string, OperationType> = {
  Buy: 'BUY',
  BuyCard: 'BUY',
  Sell: 'SELL',
  BrokerCommission: 'COMMISSION',
  ExchangeCommission: 'COMMISSION',
  ServiceCommission: 'COMMISSION',
  MarginCommission: 'COMMISSION',
  OtherCommission: 'COMMISSION',
  PayIn: 'DEPOSIT',
  PayOut: 'WITHDRAWAL',
  Tax: 'TAX',
  TaxLucre: 'TAX',
  TaxDividend: 'TAX',
  TaxCoupon: 'TAX',
  // A tax refund: still a tax operation, with a positive payment.
  TaxBack: 'TAX',
  Repayment: 'REPAYMENT',
  PartRepayment: 'REPAYMENT',
  Coupon: 'COUPON',
  Dividend: 'DIVIDEND',
  SecurityIn: 'SECURITY_IN',
  SecurityOut: 'SECURITY_OUT',
};

export function mapTinkoffV1OperationType(type: string): OperationType {
  return Object.hasOwn(operationTypes, type) ? operationTypes[type]! : 'OTHER';
}
