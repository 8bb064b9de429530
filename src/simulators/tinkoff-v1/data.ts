/**
 * The Tinkoff OpenAPI v1 simulator's seeded world, as a v1 customer in 2021 would have seen it:
 * a brokerage account and an IIS, shares, a bond, an ETF and dollars, resting orders, and a year
 * of operations of many kinds. Amounts are decimal strings and are kept exactly as written here:
 * a few are in the Java-BigDecimal forms real payloads carried (`1E+4`, `1.4E+3`, `318.0`), and
 * the wire layer sends that text verbatim while the exponent-number quirk is on.
 *
 * The cash balances are the sum of the seeded operations (26552.76 RUB = every RUB payment of
 * the brokerage account), so a client reconciling operations against balances sees them agree.
 */

export type Currency = 'RUB' | 'USD' | 'EUR' | 'GBP' | 'HKD' | 'CHF' | 'JPY' | 'CNY' | 'TRY';
export const currencies: readonly Currency[] = ['RUB', 'USD', 'EUR', 'GBP', 'HKD', 'CHF', 'JPY', 'CNY', 'TRY'];

export type InstrumentType = 'Stock' | 'Bond' | 'Etf' | 'Currency';
export type BrokerAccountType = 'Tinkoff' | 'TinkoffIis';
export type OperationSide = 'Buy' | 'Sell';

export interface SimulatedInstrument {
  figi: string;
  ticker: string;
  /** Currency pairs have none (DART capture of /market/currencies). */
  isin?: string;
  name: string;
  type: InstrumentType;
  /** The currency the instrument is priced and settled in. */
  currency: Currency;
  lot: number;
  minPriceIncrement: string;
  minQuantity?: number;
  /** Bonds only: the current nominal. The price step is 0.01% of it, prices are in currency. */
  faceValue?: string;
  /** Bonds only: accrued interest (NKD) per bond; it goes into averagePositionPrice, not into payments. */
  accruedInterest?: string;
  lastPrice: string;
  closePrice: string;
  tradeStatus: 'NormalTrading' | 'NotAvailableForTrading';
  /** The exchange's price band for the day; absent while the instrument does not trade. */
  limitDown?: string;
  limitUp?: string;
  /** Currency pairs: the currency a lot buys (USD000UTSTOM buys USD). */
  buysCurrency?: Currency;
}

export const instruments: SimulatedInstrument[] = [
  { figi: 'BBG004730N88', ticker: 'SBER', isin: 'RU0009029540', name: 'Сбербанк России', type: 'Stock', currency: 'RUB', lot: 10, minPriceIncrement: '0.01', lastPrice: '291.87', closePrice: '289.5', tradeStatus: 'NormalTrading', limitDown: '261', limitUp: '318.0' },
  { figi: 'BBG004730RP0', ticker: 'GAZP', isin: 'RU0007661625', name: 'Газпром', type: 'Stock', currency: 'RUB', lot: 10, minPriceIncrement: '0.01', lastPrice: '305.12', closePrice: '303.88', tradeStatus: 'NormalTrading', limitDown: '274.61', limitUp: '335.63' },
  { figi: 'BBG000B9XRY4', ticker: 'AAPL', isin: 'US0378331005', name: 'Apple', type: 'Stock', currency: 'USD', lot: 1, minPriceIncrement: '0.01', lastPrice: '148.19', closePrice: '147.6', tradeStatus: 'NormalTrading', limitDown: '133.37', limitUp: '163.01' },
  { figi: 'BBG000BVPV84', ticker: 'AMZN', isin: 'US0231351067', name: 'Amazon.com', type: 'Stock', currency: 'USD', lot: 1, minPriceIncrement: '0.01', lastPrice: '3310.08', closePrice: '3310.08', tradeStatus: 'NotAvailableForTrading' },
  { figi: 'BBG00HYXLFQ7', ticker: 'RU000A0ZYEB1', isin: 'RU000A0ZYEB1', name: 'ТрансФин-М 001Р выпуск 4', type: 'Bond', currency: 'RUB', lot: 1, minPriceIncrement: '0.095', faceValue: '950.0', accruedInterest: '13.8', lastPrice: '950.95', closePrice: '950.38', tradeStatus: 'NormalTrading', limitDown: '855.95', limitUp: '1045.95' },
  { figi: 'BBG333333333', ticker: 'TMOS', isin: 'RU000A101X76', name: 'Тинькофф iMOEX', type: 'Etf', currency: 'RUB', lot: 1, minPriceIncrement: '0.002', lastPrice: '6.714', closePrice: '6.702', tradeStatus: 'NormalTrading', limitDown: '6.042', limitUp: '7.386' },
  { figi: 'BBG0013HGFT4', ticker: 'USD000UTSTOM', name: 'Доллар США', type: 'Currency', currency: 'RUB', lot: 1000, minPriceIncrement: '0.0025', minQuantity: 1, lastPrice: '73.4925', closePrice: '73.38', tradeStatus: 'NormalTrading', limitDown: '66.145', limitUp: '80.84', buysCurrency: 'USD' },
  { figi: 'BBG0013HJJ31', ticker: 'EUR_RUB__TOM', name: 'Евро', type: 'Currency', currency: 'RUB', lot: 1000, minPriceIncrement: '0.0025', minQuantity: 1, lastPrice: '86.9275', closePrice: '86.8', tradeStatus: 'NormalTrading', limitDown: '78.235', limitUp: '95.62', buysCurrency: 'EUR' },
];

export interface SeedAccount {
  brokerAccountType: BrokerAccountType;
  brokerAccountId: string;
}

export const brokerageAccountId = '2054816137';
export const iisAccountId = '2061309558';

export const tradingAccounts: SeedAccount[] = [
  { brokerAccountType: 'Tinkoff', brokerAccountId: brokerageAccountId },
  { brokerAccountType: 'TinkoffIis', brokerAccountId: iisAccountId },
];

export interface SeedHolding {
  figi: string;
  /** Units (shares, bonds, ETF units), including those blocked by resting sell orders. */
  balance: string;
  /** Per unit; for bonds it includes the accrued interest (NKD) paid. */
  averagePrice: string;
  averagePriceNoNkd?: string;
}

export const holdings: Record<string, SeedHolding[]> = {
  [brokerageAccountId]: [
    { figi: 'BBG004730N88', balance: '30', averagePrice: '266.5' },
    { figi: 'BBG000B9XRY4', balance: '2', averagePrice: '131.25' },
    { figi: 'BBG00HYXLFQ7', balance: '10', averagePrice: '1012.3', averagePriceNoNkd: '998.5' },
    { figi: 'BBG333333333', balance: '1.4E+3', averagePrice: '6.152' },
  ],
  [iisAccountId]: [{ figi: 'BBG004730RP0', balance: '100', averagePrice: '213.4' }],
};

/** Total cash per currency (free + blocked by resting buy orders), listed in this order. */
export const cash: Record<string, Partial<Record<Currency, string>>> = {
  [brokerageAccountId]: { EUR: '0', RUB: '26552.76', USD: '737.74' },
  [iisAccountId]: { EUR: '0', RUB: '4741.18', USD: '0' },
};

/** RUB paid per unit of a foreign currency (the Currency position's averagePositionPrice). */
export const currencyAverages: Record<string, Partial<Record<Currency, string>>> = {
  [brokerageAccountId]: { USD: '73.12' },
  [iisAccountId]: {},
};

export interface SeedTrade {
  tradeId: string;
  date: string;
  quantity: number;
  price: string;
}

export interface SeedOperation {
  id: string;
  accountId: string;
  operationType: string;
  date: string;
  instrumentType?: InstrumentType;
  figi?: string;
  /** Instruments (not lots) in the order. */
  quantity?: number;
  quantityExecuted?: number;
  price?: string;
  payment: string;
  currency: Currency;
  /** Negative, like real payloads. */
  commission?: string;
  trades?: SeedTrade[];
  status: 'Done' | 'Decline' | 'Progress';
}

const stock = (figi: string) => ({ instrumentType: 'Stock' as const, figi });
const bond = { instrumentType: 'Bond' as const, figi: 'BBG00HYXLFQ7' };

export const seedOperations: SeedOperation[] = [
  { id: '570112384', accountId: brokerageAccountId, operationType: 'PayIn', date: '2021-01-11T10:04:51+03:00', payment: '1E+4', currency: 'RUB', status: 'Done' },
  { id: '570126630', accountId: brokerageAccountId, operationType: 'PayIn', date: '2021-01-11T10:31:07+03:00', payment: '1.2E+5', currency: 'RUB', status: 'Done' },
  {
    id: '22513990417', accountId: brokerageAccountId, operationType: 'Buy', date: '2021-01-12T10:15:33.218+03:00', instrumentType: 'Currency', figi: 'BBG0013HGFT4',
    quantity: 1000, quantityExecuted: 1000, price: '73.12', payment: '-73120', currency: 'RUB', commission: '-36.56',
    trades: [{ tradeId: '3494117302', date: '2021-01-12T10:15:33.218+03:00', quantity: 1000, price: '73.12' }], status: 'Done',
  },
  { id: '574401928', accountId: brokerageAccountId, operationType: 'BrokerCommission', date: '2021-01-12T10:15:33.218+03:00', instrumentType: 'Currency', figi: 'BBG0013HGFT4', quantity: 0, quantityExecuted: 0, payment: '-36.56', currency: 'RUB', status: 'Done' },
  {
    id: '22514006731', accountId: brokerageAccountId, operationType: 'Buy', date: '2021-01-12T11:02:10.514+03:00', ...stock('BBG004730N88'),
    quantity: 30, quantityExecuted: 30, price: '266.5', payment: '-7995', currency: 'RUB', commission: '-4',
    trades: [
      { tradeId: '3494120918', date: '2021-01-12T11:02:10.514+03:00', quantity: 20, price: '266.5' },
      { tradeId: '3494121207', date: '2021-01-12T11:02:11.02+03:00', quantity: 10, price: '266.5' },
    ],
    status: 'Done',
  },
  { id: '574455610', accountId: brokerageAccountId, operationType: 'BrokerCommission', date: '2021-01-12T11:02:10.514+03:00', ...stock('BBG004730N88'), quantity: 0, quantityExecuted: 0, payment: '-4', currency: 'RUB', status: 'Done' },
  {
    id: '190215533207', accountId: brokerageAccountId, operationType: 'Buy', date: '2021-01-14T18:31:55.1029+03:00', ...stock('BBG000B9XRY4'),
    quantity: 2, quantityExecuted: 2, price: '131.25', payment: '-262.5', currency: 'USD', commission: '-0.13',
    trades: [{ tradeId: '2701544810', date: '2021-01-14T18:31:55.1029+03:00', quantity: 2, price: '131.25' }], status: 'Done',
  },
  { id: '578832115', accountId: brokerageAccountId, operationType: 'BrokerCommission', date: '2021-01-14T18:31:55.1029+03:00', ...stock('BBG000B9XRY4'), quantity: 0, quantityExecuted: 0, payment: '-0.13', currency: 'USD', status: 'Done' },
  // An order that never executed: the exchange declined it, so nothing moved.
  { id: '190311204468', accountId: brokerageAccountId, operationType: 'Sell', date: '2021-01-27T17:45:02.90902+03:00', ...stock('BBG000B9XRY4'), quantity: 1, quantityExecuted: 0, price: '1.5E+2', payment: '0', currency: 'USD', status: 'Decline' },
  {
    id: '22781344520', accountId: brokerageAccountId, operationType: 'Buy', date: '2021-02-01T11:20:44.61+03:00', ...bond,
    quantity: 10, quantityExecuted: 10, price: '998.5', payment: '-9985', currency: 'RUB', commission: '-4.99',
    trades: [{ tradeId: '3551800417', date: '2021-02-01T11:20:44.61+03:00', quantity: 10, price: '998.5' }], status: 'Done',
  },
  { id: '598120337', accountId: brokerageAccountId, operationType: 'BrokerCommission', date: '2021-02-01T11:20:44.61+03:00', ...bond, quantity: 0, quantityExecuted: 0, payment: '-4.99', currency: 'RUB', status: 'Done' },
  {
    id: '22803911270', accountId: brokerageAccountId, operationType: 'Buy', date: '2021-02-03T12:00:03.909026+03:00', instrumentType: 'Etf', figi: 'BBG333333333',
    quantity: 1520, quantityExecuted: 1520, price: '6.152', payment: '-9351.04', currency: 'RUB', commission: '-4.68',
    trades: [
      { tradeId: '3558002291', date: '2021-02-03T12:00:03.909026+03:00', quantity: 1000, price: '6.152' },
      { tradeId: '3558002310', date: '2021-02-03T12:00:04.2+03:00', quantity: 520, price: '6.152' },
    ],
    status: 'Done',
  },
  { id: '601005542', accountId: brokerageAccountId, operationType: 'BrokerCommission', date: '2021-02-03T12:00:03.909026+03:00', instrumentType: 'Etf', figi: 'BBG333333333', quantity: 0, quantityExecuted: 0, payment: '-4.68', currency: 'RUB', status: 'Done' },
  { id: '640338101', accountId: brokerageAccountId, operationType: 'ServiceCommission', date: '2021-03-01T03:10:12+03:00', payment: '-99', currency: 'RUB', status: 'Done' },
  { id: '655210498', accountId: brokerageAccountId, operationType: 'PayOut', date: '2021-03-10T14:20:00+03:00', payment: '-5E+3', currency: 'RUB', status: 'Done' },
  { id: '735004127', accountId: brokerageAccountId, operationType: 'Dividend', date: '2021-05-14T11:52:06+03:00', ...stock('BBG000B9XRY4'), payment: '0.41', currency: 'USD', status: 'Done' },
  { id: '735004128', accountId: brokerageAccountId, operationType: 'TaxDividend', date: '2021-05-14T11:52:06+03:00', ...stock('BBG000B9XRY4'), payment: '-0.04', currency: 'USD', status: 'Done' },
  { id: '741877305', accountId: brokerageAccountId, operationType: 'Dividend', date: '2021-05-17T15:57:51+03:00', ...stock('BBG004730N88'), payment: '561', currency: 'RUB', status: 'Done' },
  { id: '741902266', accountId: brokerageAccountId, operationType: 'TaxDividend', date: '2021-05-17T21:40:38+03:00', ...stock('BBG004730N88'), payment: '-72.93', currency: 'RUB', status: 'Done' },
  { id: '779310544', accountId: brokerageAccountId, operationType: 'Coupon', date: '2021-06-10T11:03:25+03:00', ...bond, payment: '374', currency: 'RUB', status: 'Done' },
  { id: '779310545', accountId: brokerageAccountId, operationType: 'TaxCoupon', date: '2021-06-10T11:03:25+03:00', ...bond, payment: '-48.62', currency: 'RUB', status: 'Done' },
  { id: '779311082', accountId: brokerageAccountId, operationType: 'PartRepayment', date: '2021-06-10T11:04:02+03:00', ...bond, payment: '500', currency: 'RUB', status: 'Done' },

  { id: '581662090', accountId: iisAccountId, operationType: 'PayIn', date: '2021-01-20T09:00:12+03:00', payment: '25000', currency: 'RUB', status: 'Done' },
  {
    id: '22601183092', accountId: iisAccountId, operationType: 'Buy', date: '2021-01-20T10:31:44.775+03:00', ...stock('BBG004730RP0'),
    quantity: 100, quantityExecuted: 100, price: '213.4', payment: '-21340', currency: 'RUB', commission: '-10.67',
    trades: [
      { tradeId: '3512263740', date: '2021-01-20T10:31:44.775+03:00', quantity: 60, price: '213.4' },
      { tradeId: '3512263741', date: '2021-01-20T10:31:44.775+03:00', quantity: 40, price: '213.4' },
    ],
    status: 'Done',
  },
  { id: '581700224', accountId: iisAccountId, operationType: 'BrokerCommission', date: '2021-01-20T10:31:44.775+03:00', ...stock('BBG004730RP0'), quantity: 0, quantityExecuted: 0, payment: '-10.67', currency: 'RUB', status: 'Done' },
  { id: '861200418', accountId: iisAccountId, operationType: 'Dividend', date: '2021-08-05T12:14:40+03:00', ...stock('BBG004730RP0'), payment: '1255', currency: 'RUB', status: 'Done' },
  { id: '861200419', accountId: iisAccountId, operationType: 'TaxDividend', date: '2021-08-05T12:14:40+03:00', ...stock('BBG004730RP0'), payment: '-163.15', currency: 'RUB', status: 'Done' },
];

export interface SeedOrder {
  orderId: string;
  accountId: string;
  figi: string;
  operation: OperationSide;
  requestedLots: number;
  executedLots: number;
  price: string;
  /** How long before the simulator started the order was placed (v1 orders live for a day). */
  placedMinutesAgo: number;
  /** Fills so far, for a partly executed order (with the commission they cost). */
  fills?: { tradeId: string; lots: number; price: string; commission: string };
}

/**
 * Resting day orders. They block 2 × 10 × 270 = 5400 RUB, 1 × 140 = 140 USD and 380 TMOS units;
 * the TMOS sell already sold 120 units (which is why 1400 of the 1520 bought remain).
 */
export const seedOrders: SeedOrder[] = [
  { orderId: '23541087310', accountId: brokerageAccountId, figi: 'BBG004730N88', operation: 'Buy', requestedLots: 2, executedLots: 0, price: '270', placedMinutesAgo: 95 },
  {
    orderId: '23541088902', accountId: brokerageAccountId, figi: 'BBG333333333', operation: 'Sell', requestedLots: 500, executedLots: 120, price: '7', placedMinutesAgo: 64,
    fills: { tradeId: '4102955713', lots: 120, price: '7', commission: '0.42' },
  },
  { orderId: '198471662045', accountId: brokerageAccountId, figi: 'BBG000B9XRY4', operation: 'Buy', requestedLots: 1, executedLots: 0, price: '140', placedMinutesAgo: 12 },
];
