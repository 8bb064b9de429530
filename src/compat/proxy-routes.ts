import { connectionAccounts, visibleConnections } from '../access.js';
import type { ConnectionModel } from '../brokers/connection.js';
import type { ClientIdentifiers } from '../brokers/identifiers.js';
import { instrumentRefFromInput } from '../brokers/instrument-input.js';
import { parseJsonExact } from '../brokers/json.js';
import type { RequestContext } from '../context.js';
import { decimalFromJsonNumber, decimalInputLimitRule, isPlainDecimal, isWithinDecimalInputLimits } from '../decimal.js';
import { BadUserInputError, NotFoundError } from '../errors.js';
import type { AccountModel } from '../resolvers/models.js';
import { auditDenied } from '../trading/audit.js';
import { cancelOrder, placeOrder } from '../trading/orders.js';
import { tradingRequest } from '../trading/request.js';
import {
  okEnvelope,
  ordersNotAllowedBody,
  v1Accounts,
  v1Currencies,
  v1Operations,
  v1Orderbook,
  v1Orders,
  v1PlacedOrder,
  v1Portfolio,
} from './v1-shapes.js';

/**
 * The routes of invest_proxy.php v1.02 (tinkoff.md §7), each answered from the unified model of
 * whichever Tinkoff connection — OpenAPI v1 or T-Invest v2 — holds the account. A route returns
 * the response body; refusals the proxy answered with a bare 404 return `null`. A route reads the
 * request body only once it knows it needs it.
 */
export type ProxyRoute = (context: RequestContext, query: URLSearchParams, readBody: () => Promise<string>) => Promise<string | null>;

/** Connections whose accounts can be expressed in v1 shapes. */
function tinkoffConnections(context: RequestContext): ConnectionModel[] {
  return visibleConnections(context).filter((connection) => connection.broker === 'tinkoff' || connection.broker === 'tinkoff-v1');
}

/** The accounts of those connections this token may see, in config order. */
async function tinkoffAccounts(context: RequestContext): Promise<AccountModel[]> {
  return (await Promise.all(tinkoffConnections(context).map((connection) => connectionAccounts(context, connection)))).flat();
}

/**
 * Checks a query parameter (figi, orderId) against the grammars of the Tinkoff connections the
 * token can use, before any call: which one holds the account is only known after listing
 * accounts, so a value no such connection could accept is refused first. The account's own
 * connection checks it again before its broker is called.
 */
function checkForTinkoff(context: RequestContext, check: (identifiers: ClientIdentifiers) => void): void {
  let refusal: unknown;
  for (const connection of tinkoffConnections(context)) {
    try {
      check(connection.adapter.identifiers);
      return;
    } catch (error) {
      refusal ??= error;
    }
  }
  if (refusal !== undefined) throw refusal;
}

/** PHP's intval(): the leading digits, 0 when there are none — the proxy accepted numeric ids only. */
export function intval(text: string | null): number {
  const match = /^\s*[+-]?\d+/.exec(text ?? '');
  return match ? Number.parseInt(match[0], 10) : 0;
}

/** What Tinkoff v1 itself answered for an account it did not know (tinkoff.md §2.4). */
export class UnknownAccountError extends NotFoundError {
  readonly v1Code = 'GATEWAY_REQUEST_DATA_ERROR';
  constructor() {
    super('Unknown account');
  }
}

const unknownAccount = () => new UnknownAccountError();

/** The account with this broker account id, searched across the Tinkoff connections the token can see. */
async function findAccount(context: RequestContext, brokerAccountId: number): Promise<AccountModel> {
  for (const connection of tinkoffConnections(context)) {
    const accounts = await connectionAccounts(context, connection);
    // connectionAccounts already leaves out accounts outside the token's scope.
    const found = accounts.find((account) => account.brokerAccountId === String(brokerAccountId));
    if (found) return found;
  }
  throw unknownAccount();
}

/** Without brokerAccountId the proxy hit the default ("Tinkoff") account: the first brokerage account. */
async function defaultAccount(context: RequestContext): Promise<AccountModel> {
  const accounts = await tinkoffAccounts(context);
  const account = accounts.find((candidate) => candidate.type === 'BROKERAGE') ?? accounts[0];
  if (!account) throw unknownAccount();
  return account;
}

async function accountFromQuery(context: RequestContext, query: URLSearchParams): Promise<AccountModel | null> {
  const id = intval(query.get('brokerAccountId'));
  return id ? findAccount(context, id) : null;
}

async function instrumentsOf(context: RequestContext, account: AccountModel, keys: string[]) {
  const infos = await Promise.all(keys.map((key) => context.loaders.instrument.load({ connection: account.connection, ref: { key } })));
  return new Map(infos.map((info, index) => [keys[index]!, info]));
}

async function portfolioBody(context: RequestContext, account: AccountModel): Promise<string> {
  const portfolio = await context.loaders.portfolio.load(account, { positions: true, cash: false, valuation: false });
  const instruments = await instrumentsOf(context, account, portfolio.positions.map((position) => position.instrument.hint.key));
  return okEnvelope(v1Portfolio(portfolio, instruments));
}

async function currenciesBody(context: RequestContext, account: AccountModel): Promise<string> {
  return okEnvelope(v1Currencies(await context.loaders.portfolio.load(account, { positions: false, cash: true, valuation: false })));
}

/** The proxy accepted only what PHP's DateTime(...)->format("c") writes: seconds, an offset, no Z. */
const proxyDatePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

interface OrderBody {
  lots: number;
  operation: 'Buy' | 'Sell';
  price: string | null;
}

function readOrderBody(text: string, needsPrice: boolean): OrderBody {
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch {
    throw new BadUserInputError('[body]: must be JSON such as {"lots":1,"operation":"Buy","price":281.99}');
  }
  const { lots, operation, price } = (body ?? {}) as Record<string, unknown>;
  if (typeof lots !== 'string' || !/^\d+$/.test(lots)) throw new BadUserInputError('[lots]: must be a positive whole number');
  if (operation !== 'Buy' && operation !== 'Sell') throw new BadUserInputError('[operation]: must be Buy or Sell');
  if (!needsPrice) return { lots: Number(lots), operation, price: null };
  if (typeof price !== 'string' || !/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(price)) throw new BadUserInputError('[price]: must not be null');
  // parseJsonExact keeps a number's text (1e10000000 stays 11 characters): bounded here, before
  // anything expands it into a 10 MB string.
  if (!isWithinDecimalInputLimits(price)) throw new BadUserInputError(`[price]: must have ${decimalInputLimitRule}`);
  const decimal = decimalFromJsonNumber(price);
  if (!isPlainDecimal(decimal)) throw new BadUserInputError('[price]: must be a number');
  return { lots: Number(lots), operation, price: decimal };
}

function orderRoute(type: 'LIMIT' | 'MARKET'): ProxyRoute {
  return async (context, query, readBody) => {
    const figi = query.get('figi');
    const brokerAccountId = intval(query.get('brokerAccountId'));
    if (!figi || !brokerAccountId) return null;
    if (context.viewer.scope !== 'TRADE') {
      const account = await findAccount(context, brokerAccountId).catch(() => null);
      auditDenied(tradingRequest(context), 'placeOrder', { input: { accountId: account?.id ?? null, instrument: { figi }, type } });
      return ordersNotAllowedBody;
    }
    // Everything the request says is checked before the first call (the account list).
    checkForTinkoff(context, (identifiers) => identifiers.checkInstrumentRef({ figi }));
    const order = readOrderBody(await readBody(), type === 'LIMIT');
    const account = await findAccount(context, brokerAccountId);
    const placed = await placeOrder(tradingRequest(context), {
      accountId: account.id,
      instrument: { figi },
      side: order.operation === 'Buy' ? 'BUY' : 'SELL',
      type,
      lots: order.lots,
      price: order.price,
    });
    return okEnvelope(v1PlacedOrder(placed));
  };
}

export const proxyRoutes: Record<string, ProxyRoute> = {
  'GET /user/accounts': async (context) => {
    return okEnvelope(v1Accounts(await tinkoffAccounts(context)));
  },

  'GET /portfolio': async (context, query) => {
    const account = await accountFromQuery(context, query);
    return account ? portfolioBody(context, account) : null;
  },

  'GET /portfolio/currencies': async (context, query) => {
    const account = await accountFromQuery(context, query);
    return account ? currenciesBody(context, account) : null;
  },

  // The proxy's own route: both answers at once, each as a JSON string (double-encoded).
  'GET /portfolio_summary': async (context, query) => {
    const account = await accountFromQuery(context, query);
    if (!account) return null;
    const [currencies, portfolio] = await Promise.all([currenciesBody(context, account), portfolioBody(context, account)]);
    return JSON.stringify({ currencies, portfolio });
  },

  'GET /market/orderbook': async (context, query) => {
    const figi = query.get('figi');
    if (!figi) throw new BadUserInputError('[figi]: must not be null');
    const depth = Math.min(20, Math.max(1, intval(query.get('depth'))));
    const connection = tinkoffConnections(context)[0];
    if (!connection) throw unknownAccount();
    const info = await context.loaders.instrument.load({ connection, ref: instrumentRefFromInput(connection, { figi }) });
    const book = await context.loaders.orderbook.load({ connection, ref: { key: info.key }, depth });
    return okEnvelope(v1Orderbook(book, info, depth));
  },

  // The proxy sent no brokerAccountId here (the default account); brokerql also honours one.
  'GET /orders': async (context, query) => {
    const account = (await accountFromQuery(context, query)) ?? (await defaultAccount(context));
    return okEnvelope(v1Orders(await context.loaders.orders.load(account)));
  },

  'POST /orders/limit-order': orderRoute('LIMIT'),
  'POST /orders/market-order': orderRoute('MARKET'),

  'POST /orders/cancel': async (context, query) => {
    const orderId = query.get('orderId');
    if (!orderId) return null;
    if (context.viewer.scope === 'TRADE') checkForTinkoff(context, (identifiers) => identifiers.checkOrderId(orderId));
    const account = (await accountFromQuery(context, query)) ?? (await defaultAccount(context));
    if (context.viewer.scope !== 'TRADE') {
      auditDenied(tradingRequest(context), 'cancelOrder', { accountId: account.id, orderId });
      return ordersNotAllowedBody;
    }
    await cancelOrder(tradingRequest(context), account.id, orderId);
    return okEnvelope({});
  },

  'GET /operations': async (context, query) => {
    const from = query.get('from') ?? '';
    const to = query.get('to') ?? '';
    const brokerAccountId = intval(query.get('brokerAccountId'));
    if (!brokerAccountId || !proxyDatePattern.test(from) || !proxyDatePattern.test(to)) return null;
    if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) return null;
    const figi = query.get('figi');
    if (figi) checkForTinkoff(context, (identifiers) => identifiers.checkInstrumentRef({ figi }));
    const account = await findAccount(context, brokerAccountId);
    const ref = figi ? instrumentRefFromInput(account.connection, { figi }) : null;
    const instrument = ref ? await context.loaders.instrument.load({ connection: account.connection, ref }) : null;
    const operations = await context.loaders.operations.load({ account, from, to, instrument });
    return okEnvelope(v1Operations(operations, query.has('clean_comission')));
  },
};
