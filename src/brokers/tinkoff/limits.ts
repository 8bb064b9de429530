import type { RequestLimit } from '../limits.js';

/**
 * T-Invest API v2's published limits (../shared/brokers/tinvest-v2/limits.md, "Таблица лимитов
 * unary-методов", REST rows), per user and minute; past one the API answers 429 with error 80002.
 * A service's limit is shared by those of its methods that have no row of their own. Paths are
 * below the REST base (`…/rest`).
 *
 * Left out: report generation (5 a minute, gRPC only) and getHistory (30 a minute, served at
 * `/history-data`, outside the REST base); brokerql calls neither.
 */

const contract = '/tinkoff.public.invest.api.contract.v1.';

export const tinkoffLimits = [
  // "We recommend keeping all requests from one address, over all accounts and tokens, under 50 a second."
  { name: 'per address', requests: 50, per: 'second', enforced: false },
  { name: 'OrdersService/GetOrders', requests: 200, per: 'minute', routes: [{ path: `${contract}OrdersService/GetOrders` }], enforced: true },
  { name: 'OrdersService/PostOrder', requests: 300, per: 'minute', routes: [{ path: `${contract}OrdersService/PostOrder` }], enforced: true },
  { name: 'OrdersService/CancelOrder', requests: 100, per: 'minute', routes: [{ path: `${contract}OrdersService/CancelOrder` }], enforced: true },
  { name: 'OrdersService/PostOrderAsync', requests: 450, per: 'minute', routes: [{ path: `${contract}OrdersService/PostOrderAsync` }], enforced: true },
  { name: 'InstrumentsService', requests: 200, per: 'minute', routes: [{ path: `${contract}InstrumentsService`, below: true }], enforced: true },
  { name: 'UsersService', requests: 100, per: 'minute', routes: [{ path: `${contract}UsersService`, below: true }], enforced: true },
  { name: 'OperationsService', requests: 200, per: 'minute', routes: [{ path: `${contract}OperationsService`, below: true }], enforced: true },
  { name: 'MarketDataService', requests: 600, per: 'minute', routes: [{ path: `${contract}MarketDataService`, below: true }], enforced: true },
  { name: 'StopOrdersService', requests: 50, per: 'minute', routes: [{ path: `${contract}StopOrdersService`, below: true }], enforced: true },
  { name: 'SandboxService', requests: 200, per: 'minute', routes: [{ path: `${contract}SandboxService`, below: true }], enforced: true },
  // GetOrderState, GetMaxLots, ReplaceOrder, …: the rest of the service.
  { name: 'OrdersService', requests: 100, per: 'minute', routes: [{ path: `${contract}OrdersService`, below: true }], enforced: true },
] as const satisfies readonly RequestLimit[];
