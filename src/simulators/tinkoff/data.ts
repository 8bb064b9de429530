/**
 * The simulator's seeded world: a brokerage account and an IIS with full access, an account the
 * token may only read (holding a position whose cost T-Invest does not know), a closed account
 * and one the token has no access to; shares, a bond, an ETF, a currency, cash in two
 * currencies, active orders and a year of operations of many kinds — shaped like a real T-Invest
 * customer's data.
 */

export interface SimulatedInstrument {
  figi: string;
  uid: string;
  positionUid: string;
  ticker: string;
  classCode: string;
  isin: string;
  name: string;
  instrumentType: 'share' | 'bond' | 'etf' | 'currency';
  instrumentKind: string;
  currency: string;
  lot: number;
  minPriceIncrement: string;
  lastPrice: string;
  exchange: string;
  /** A bond's accrued coupon interest per unit, in its currency (GetOrderPrice's extraBond.aciValue is this × units). */
  accruedInterest?: string;
}

/**
 * The broker's commission per trade, by instrument type: a share of the trade's amount, rounded
 * half up to kopecks (cents). The same table charges fills and answers GetOrderPrice, so a test
 * can expect exact numbers.
 */
export const commissionRates: Record<SimulatedInstrument['instrumentType'], string> = {
  share: '0.0005',
  bond: '0.0005',
  etf: '0.0005',
  currency: '0.0005',
};

export const instruments: SimulatedInstrument[] = [
  { figi: 'BBG004730N88', uid: 'e6123145-9665-43e0-8413-cd61b8aa9b13', positionUid: '41eb2102-5333-4713-bf15-72b204c4bf7b', ticker: 'SBER', classCode: 'TQBR', isin: 'RU0009029540', name: 'Сбербанк России', instrumentType: 'share', instrumentKind: 'INSTRUMENT_TYPE_SHARE', currency: 'rub', lot: 10, minPriceIncrement: '0.01', lastPrice: '281.99', exchange: 'MOEX_EVENING_WEEKEND' },
  { figi: 'BBG004730RP0', uid: '962e2a95-02a9-4171-abd7-aa198dbe643a', positionUid: '0b2f8e4b-0f6c-4a13-8d2a-5ad6b7c0e1f2', ticker: 'GAZP', classCode: 'TQBR', isin: 'RU0007661625', name: 'Газпром', instrumentType: 'share', instrumentKind: 'INSTRUMENT_TYPE_SHARE', currency: 'rub', lot: 10, minPriceIncrement: '0.01', lastPrice: '128.34', exchange: 'MOEX_EVENING_WEEKEND' },
  { figi: 'BBG000B9XRY4', uid: 'a9eb4238-eba9-488c-b102-b6140fd08e38', positionUid: '5c5e6656-c4d3-4391-a7ee-e81a76f1804e', ticker: 'AAPL', classCode: 'SPBXM', isin: 'US0378331005', name: 'Apple', instrumentType: 'share', instrumentKind: 'INSTRUMENT_TYPE_SHARE', currency: 'usd', lot: 1, minPriceIncrement: '0.01', lastPrice: '189.47', exchange: 'SPB' },
  { figi: 'BBG00HYXLFQ7', uid: '1b8d3a37-5e9c-4c8f-a2e6-0d7b9c3f4a15', positionUid: '8f0e4d2c-1a3b-4c5d-9e6f-7a8b9c0d1e2f', ticker: 'RU000A0ZYEB1', classCode: 'TQCB', isin: 'RU000A0ZYEB1', name: 'ТрансФин-М 001Р выпуск 4', instrumentType: 'bond', instrumentKind: 'INSTRUMENT_TYPE_BOND', currency: 'rub', lot: 1, minPriceIncrement: '0.01', lastPrice: '1001.5', exchange: 'MOEX', accruedInterest: '12.37' },
  { figi: 'BBG333333333', uid: '9654c2dd-6993-427e-80fa-04e80a1cf4da', positionUid: 'c3a91f0e-7b2d-4e58-9a1c-0f3e5d7b9a2c', ticker: 'TMOS', classCode: 'TQTF', isin: 'RU000A101X76', name: 'Тинькофф iMOEX', instrumentType: 'etf', instrumentKind: 'INSTRUMENT_TYPE_ETF', currency: 'rub', lot: 1, minPriceIncrement: '0.002', lastPrice: '6.714', exchange: 'MOEX' },
  { figi: 'BBG0013HGFT4', uid: 'a22a1263-8e1b-4546-a1aa-416463f104d3', positionUid: '6e97aa9b-50b6-4738-bce7-17313f2b2cc2', ticker: 'USD000UTSTOM', classCode: 'CETS', isin: '', name: 'Доллар США', instrumentType: 'currency', instrumentKind: 'INSTRUMENT_TYPE_CURRENCY', currency: 'rub', lot: 1000, minPriceIncrement: '0.0025', lastPrice: '92.4775', exchange: 'FX' },
  { figi: 'RUB000UTSTOM', uid: 'a92e2e25-a698-45cc-a781-167cf465257c', positionUid: '33e24a92-aab0-409c-88b8-f2d57415b920', ticker: 'RUB000UTSTOM', classCode: 'CETS', isin: '', name: 'Российский рубль', instrumentType: 'currency', instrumentKind: 'INSTRUMENT_TYPE_CURRENCY', currency: 'rub', lot: 1, minPriceIncrement: '0.01', lastPrice: '1', exchange: 'FX' },
];

export interface SimulatedAccount {
  id: string;
  type: string;
  name: string;
  status: string;
  openedDate: string;
  /** For a full-access token; a read-only token sees at most ACCOUNT_ACCESS_LEVEL_READ_ONLY. */
  accessLevel: string;
  closedDate?: string;
}

export const accounts: SimulatedAccount[] = [
  { id: '2000345678', type: 'ACCOUNT_TYPE_TINKOFF', name: 'Брокерский счёт', status: 'ACCOUNT_STATUS_OPEN', openedDate: '2019-03-11T00:00:00Z', accessLevel: 'ACCOUNT_ACCESS_LEVEL_FULL_ACCESS' },
  { id: '2008765432', type: 'ACCOUNT_TYPE_TINKOFF_IIS', name: 'ИИС', status: 'ACCOUNT_STATUS_OPEN', openedDate: '2021-01-15T00:00:00Z', accessLevel: 'ACCOUNT_ACCESS_LEVEL_FULL_ACCESS' },
  // A token issued with trading rights on some accounts only: this one it may read, not trade.
  { id: '2031415926', type: 'ACCOUNT_TYPE_TINKOFF', name: 'Семейный', status: 'ACCOUNT_STATUS_OPEN', openedDate: '2022-06-01T00:00:00Z', accessLevel: 'ACCOUNT_ACCESS_LEVEL_READ_ONLY' },
  { id: '2019283746', type: 'ACCOUNT_TYPE_TINKOFF', name: 'Старый счёт', status: 'ACCOUNT_STATUS_CLOSED', openedDate: '2018-02-20T00:00:00Z', closedDate: '2023-11-30T00:00:00Z', accessLevel: 'ACCOUNT_ACCESS_LEVEL_FULL_ACCESS' },
  // Listed by GetAccounts, but every call for it fails with 40002: the token was not issued for it.
  { id: '2024681357', type: 'ACCOUNT_TYPE_INVEST_BOX', name: 'Инвесткопилка', status: 'ACCOUNT_STATUS_OPEN', openedDate: '2023-03-03T00:00:00Z', accessLevel: 'ACCOUNT_ACCESS_LEVEL_NO_ACCESS' },
];

export interface SimulatedHolding {
  figi: string;
  /** Units (shares, bonds), as a decimal string. */
  quantity: string;
  averagePrice: string;
}

/** Securities per account (currencies are cash, below). */
export const holdings: Record<string, SimulatedHolding[]> = {
  '2000345678': [
    { figi: 'BBG004730N88', quantity: '30', averagePrice: '266.5' },
    { figi: 'BBG000B9XRY4', quantity: '2', averagePrice: '171.25' },
    { figi: 'BBG00HYXLFQ7', quantity: '10', averagePrice: '1024.8' },
    { figi: 'BBG333333333', quantity: '1500', averagePrice: '6.152' },
  ],
  '2008765432': [{ figi: 'BBG004730RP0', quantity: '100', averagePrice: '163.2' }],
  // SBER came in by a transfer from another broker: T-Invest does not know its cost and, as it
  // does for most such holdings, reports an average price of 0.
  '2031415926': [
    { figi: 'BBG004730N88', quantity: '20', averagePrice: '0' },
    { figi: 'BBG333333333', quantity: '300', averagePrice: '5.98' },
  ],
};

/**
 * Total cash per account and currency, including what active orders block: the SBER buy order
 * below blocks 2 lots × 10 × 250 = 5000 RUB, so 15230.55 RUB is free.
 */
export const cash: Record<string, Record<string, string>> = {
  '2000345678': { rub: '20230.55', usd: '412.07' },
  '2008765432': { rub: '1200' },
  '2031415926': { rub: '340.12' },
};

export interface SeedOrder {
  orderId: string;
  orderRequestId: string;
  accountId: string;
  figi: string;
  direction: 'ORDER_DIRECTION_BUY' | 'ORDER_DIRECTION_SELL';
  orderType: 'ORDER_TYPE_LIMIT';
  lots: number;
  executedLots: number;
  price: string;
  orderDate: string;
}

export const seedOrders: SeedOrder[] = [
  { orderId: '52218163123', orderRequestId: '0e8f0c63-7d0d-4e3c-9c32-8d6a6f4d8f01', accountId: '2000345678', figi: 'BBG004730N88', direction: 'ORDER_DIRECTION_BUY', orderType: 'ORDER_TYPE_LIMIT', lots: 2, executedLots: 0, price: '250', orderDate: '2024-05-02T07:15:01.152Z' },
  { orderId: '52218170457', orderRequestId: '6b1d9a77-2c4e-4f7a-8e3b-2a9f6c1d5e02', accountId: '2000345678', figi: 'BBG333333333', direction: 'ORDER_DIRECTION_SELL', orderType: 'ORDER_TYPE_LIMIT', lots: 500, executedLots: 120, price: '7', orderDate: '2024-05-02T07:16:44.008Z' },
];

export interface SeedOperation {
  id: string;
  accountId: string;
  date: string;
  type: string;
  state: 'OPERATION_STATE_EXECUTED' | 'OPERATION_STATE_CANCELED' | 'OPERATION_STATE_PROGRESS';
  figi?: string;
  currency: string;
  payment: string;
  price?: string;
  quantity?: number;
  quantityDone?: number;
  commission?: string;
  description: string;
  /** A fee's trade (OperationItem.parent_operation_id). */
  parentId?: string;
}

export const seedOperations: SeedOperation[] = [
  { id: '900877120', accountId: '2000345678', date: '2024-01-10T15:40:02Z', type: 'OPERATION_TYPE_INPUT', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '100000', description: 'Пополнение брокерского счёта' },
  { id: '35416277905', accountId: '2000345678', date: '2024-01-11T08:02:10.514Z', type: 'OPERATION_TYPE_BUY', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730N88', currency: 'rub', payment: '-7995', price: '266.5', quantity: 30, quantityDone: 30, commission: '-2.4', description: 'Покупка ценных бумаг' },
  { id: '901234567', parentId: '35416277905', accountId: '2000345678', date: '2024-01-11T08:02:10.514Z', type: 'OPERATION_TYPE_BROKER_FEE', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730N88', currency: 'rub', payment: '-2.4', description: 'Удержание комиссии за операцию' },
  { id: '35416299011', accountId: '2000345678', date: '2024-02-05T14:31:55.02Z', type: 'OPERATION_TYPE_BUY', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG000B9XRY4', currency: 'usd', payment: '-342.5', price: '171.25', quantity: 2, quantityDone: 2, commission: '-0.17', description: 'Покупка ценных бумаг' },
  { id: '901299870', parentId: '35416299011', accountId: '2000345678', date: '2024-02-05T14:31:55.02Z', type: 'OPERATION_TYPE_BROKER_FEE', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG000B9XRY4', currency: 'usd', payment: '-0.17', description: 'Удержание комиссии за операцию' },
  { id: '205118732204', accountId: '2000345678', date: '2024-02-12T13:20:44.1Z', type: 'OPERATION_TYPE_SELL', state: 'OPERATION_STATE_CANCELED', figi: 'BBG000B9XRY4', currency: 'usd', payment: '0', price: '199.9', quantity: 1, quantityDone: 0, description: 'Продажа ценных бумаг' },
  { id: '35416301877', accountId: '2000345678', date: '2024-03-01T07:05:12Z', type: 'OPERATION_TYPE_BUY', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG00HYXLFQ7', currency: 'rub', payment: '-10248', price: '1024.8', quantity: 10, quantityDone: 10, commission: '-3.07', description: 'Покупка ценных бумаг' },
  { id: '901312554', parentId: '35416301877', accountId: '2000345678', date: '2024-03-01T07:05:12Z', type: 'OPERATION_TYPE_BROKER_FEE', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG00HYXLFQ7', currency: 'rub', payment: '-3.07', description: 'Удержание комиссии за операцию' },
  { id: '35416344210', accountId: '2000345678', date: '2024-03-20T09:12:40Z', type: 'OPERATION_TYPE_BUY', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG333333333', currency: 'rub', payment: '-9228', price: '6.152', quantity: 1500, quantityDone: 1500, description: 'Покупка ценных бумаг' },
  { id: '901455102', accountId: '2000345678', date: '2024-04-30T21:00:00Z', type: 'OPERATION_TYPE_SERVICE_FEE', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '-99', description: 'Удержание комиссии за обслуживание брокерского счёта' },
  { id: '901503321', accountId: '2000345678', date: '2024-05-15T10:00:00Z', type: 'OPERATION_TYPE_OUTPUT', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '-5000', description: 'Вывод денежных средств' },
  { id: '901622030', accountId: '2000345678', date: '2024-06-10T06:00:00Z', type: 'OPERATION_TYPE_COUPON', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG00HYXLFQ7', currency: 'rub', payment: '374', quantity: 10, description: 'Выплата купонов' },
  { id: '901622031', accountId: '2000345678', date: '2024-06-10T06:00:00Z', type: 'OPERATION_TYPE_BOND_TAX', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG00HYXLFQ7', currency: 'rub', payment: '-48.62', description: 'Удержание налога по купонам' },
  { id: '901700456', accountId: '2000345678', date: '2024-07-19T06:00:00Z', type: 'OPERATION_TYPE_DIVIDEND', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730N88', currency: 'rub', payment: '1036.2', quantity: 30, description: 'Выплата дивидендов' },
  { id: '901700457', accountId: '2000345678', date: '2024-07-19T06:00:00Z', type: 'OPERATION_TYPE_DIVIDEND_TAX', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730N88', currency: 'rub', payment: '-134.71', description: 'Удержание налога по дивидендам' },
  { id: '901800777', accountId: '2000345678', date: '2024-08-01T06:00:00Z', type: 'OPERATION_TYPE_BOND_REPAYMENT', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG00HYXLFQ7', currency: 'rub', payment: '500', quantity: 10, description: 'Частичное погашение облигаций' },
  { id: '901900001', accountId: '2000345678', date: '2024-09-02T21:00:00Z', type: 'OPERATION_TYPE_OVERNIGHT', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '12.3', description: 'Доход по сделкам овернайт' },
  { id: '901900002', accountId: '2000345678', date: '2024-09-03T21:00:00Z', type: 'OPERATION_TYPE_TAX', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '-0.35', description: 'Удержание налога' },
  { id: '901900003', accountId: '2000345678', date: '2024-09-20T12:00:00Z', type: 'OPERATION_TYPE_OPTION_EXPIRATION', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '0', description: 'Экспирация опциона' },
  { id: '35417000001', accountId: '2000345678', date: '2024-10-01T10:30:00Z', type: 'OPERATION_TYPE_BUY', state: 'OPERATION_STATE_PROGRESS', figi: 'BBG004730RP0', currency: 'rub', payment: '0', price: '128.5', quantity: 10, quantityDone: 0, description: 'Покупка ценных бумаг' },
  { id: '800100200', accountId: '2008765432', date: '2024-01-20T09:00:00Z', type: 'OPERATION_TYPE_INPUT', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '18000', description: 'Пополнение ИИС' },
  { id: '35416500100', accountId: '2008765432', date: '2024-01-22T07:10:00Z', type: 'OPERATION_TYPE_BUY', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730RP0', currency: 'rub', payment: '-16320', price: '163.2', quantity: 100, quantityDone: 100, commission: '-4.9', description: 'Покупка ценных бумаг' },
  { id: '800100201', parentId: '35416500100', accountId: '2008765432', date: '2024-01-22T07:10:00Z', type: 'OPERATION_TYPE_BROKER_FEE', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730RP0', currency: 'rub', payment: '-4.9', description: 'Удержание комиссии за операцию' },
  { id: '800100202', accountId: '2008765432', date: '2024-07-25T06:00:00Z', type: 'OPERATION_TYPE_DIVIDEND', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730RP0', currency: 'rub', payment: '1552', quantity: 100, description: 'Выплата дивидендов' },
];
