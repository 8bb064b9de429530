import Big from 'big.js';
import { isLosslessNumber, parse } from 'lossless-json';
import type { SimulatorRequest } from '../common/http.js';
import type { AlorCaller } from './auth.js';
import { AlorRejection } from './errors.js';
import type { OrderRequest } from './orders.js';
import type { SimulatedInstrument } from './data.js';
import type { AlorSimulatorState, TimeInForce } from './state.js';

/**
 * Reading what ALOR's clients send: the client route's exchange and portfolio (checked against
 * the token), cancel targets, instruments and order book depths, quoted symbols, the refresh
 * request, and commandapi order bodies.
 */

/** The `:exchange` and `:portfolio` of a client route; a portfolio the token does not list is 403. */
export function clientAccount(request: SimulatorRequest, caller: AlorCaller): { exchange: string; portfolio: string } {
  const exchange = exchangeOf(request.params['exchange']);
  const portfolio = request.params['portfolio'] ?? '';
  if (!caller.portfolios.includes(portfolio)) throw new AlorRejection(403);
  return { exchange, portfolio };
}

/** `portfolio`, `exchange` (and `stop`) of a cancel, as query parameters. */
export function cancelTarget(request: SimulatorRequest, caller: AlorCaller) {
  const portfolio = request.query.get('portfolio');
  const exchange = request.query.get('exchange');
  if (!portfolio || !exchange) throw new AlorRejection(400, { message: 'Query parameters portfolio, exchange and stop are required' });
  if (!caller.portfolios.includes(portfolio)) throw new AlorRejection(403);
  return { portfolio, exchange: exchangeOf(exchange), stop: request.query.get('stop')?.toLowerCase() === 'true' };
}


/**
 * Reads commandapi order bodies (`OrdersActionsMarketTV`, `OrdersActionsLimitTVPost`):
 *
 *   {"side":"buy","quantity":1,"price":142.52,
 *    "instrument":{"symbol":"SBER","exchange":"MOEX","instrumentGroup":"TQBR"},
 *    "comment":"Первая заявка","user":{"portfolio":"D39004"},"timeInForce":"oneday","allowMargin":false}
 *
 * Numbers are read losslessly, so a price of 24.355 is that decimal and not the nearest double.
 * Anything unreadable yields undefined (ALOR's "can't be properly deserialised" 400). `type` and
 * `allowMargin` are accepted and ignored: the path says the type, and the seeded accounts are not
 * margin accounts either way. Enum values compare case-insensitively, as .NET deserialises them.
 */

const timesInForce: readonly TimeInForce[] = ['oneday', 'immediateorcancel', 'fillorkill', 'attheclose', 'goodtillcancelled', 'bookorcancel'];

export function readOrderCommand(text: string, type: 'limit' | 'market'): OrderRequest | undefined {
  let body: unknown;
  try {
    body = parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(body) || !isObject(body['instrument']) || !isObject(body['user'])) return undefined;
  const { instrument, user } = body;

  const side = lowerCase(body['side']);
  const lots = integer(body['quantity']);
  const symbol = instrument['symbol'];
  const exchange = typeof instrument['exchange'] === 'string' ? instrument['exchange'].toUpperCase() : undefined;
  const portfolio = user['portfolio'];
  const timeInForce = body['timeInForce'] === undefined ? 'oneday' : lowerCase(body['timeInForce']);
  const comment = body['comment'] ?? null;
  if (side !== 'buy' && side !== 'sell') return undefined;
  if (lots === undefined || typeof symbol !== 'string' || !symbol || typeof portfolio !== 'string' || !portfolio) return undefined;
  if (exchange !== 'MOEX' && exchange !== 'SPBX') return undefined;
  if (!timesInForce.includes(timeInForce as TimeInForce)) return undefined;
  if (comment !== null && typeof comment !== 'string') return undefined;

  let price: string | undefined;
  if (type === 'limit') {
    price = decimalText(body['price']);
    if (price === undefined) return undefined;
  }
  const icebergFixed = body['icebergFixed'] === undefined || body['icebergFixed'] === null ? undefined : integer(body['icebergFixed']);
  const icebergVariance = body['icebergVariance'] === undefined || body['icebergVariance'] === null ? 0 : integer(body['icebergVariance']);
  if ((body['icebergFixed'] != null && icebergFixed === undefined) || icebergVariance === undefined) return undefined;

  return {
    portfolio,
    exchange,
    symbol,
    side,
    lots,
    type,
    ...(price === undefined ? {} : { price }),
    timeInForce: timeInForce as TimeInForce,
    comment,
    iceberg: type === 'limit' && icebergFixed !== undefined && icebergFixed > 0 ? { fixedLots: icebergFixed, variancePercent: icebergVariance } : null,
  };
}

/** One order to estimate (`object_EstimateOrder`); only the fields the simulator reads. */
export interface EstimateRequest {
  portfolio: string;
  exchange: string;
  ticker: string;
  /** Absent: the last price. */
  price: string | undefined;
  lotQuantity: number;
  budget: string | undefined;
  includeLimitOrders: boolean;
}

/**
 * Reads POST …/orders/estimate (an object) or …/estimate/all (an array of them):
 *   {"portfolio":"D39004","ticker":"SBER","exchange":"MOEX","price":142.52,"lotQuantity":1,"includeLimitOrders":false}
 * Numbers losslessly; undefined for anything unreadable (a 400).
 */
export function readEstimateRequests(text: string, many: boolean): EstimateRequest[] | undefined {
  let body: unknown;
  try {
    body = parse(text);
  } catch {
    return undefined;
  }
  const items = many ? body : [body];
  if (!Array.isArray(items)) return undefined;
  const requests: EstimateRequest[] = [];
  for (const item of items) {
    if (!isObject(item)) return undefined;
    const { portfolio, ticker } = item;
    const exchange = typeof item['exchange'] === 'string' ? item['exchange'].toUpperCase() : 'MOEX';
    const lotQuantity = item['lotQuantity'] === undefined ? 0 : integer(item['lotQuantity']);
    const price = item['price'] === undefined || item['price'] === null ? undefined : decimalText(item['price']);
    const budget = item['budget'] === undefined || item['budget'] === null ? undefined : decimalText(item['budget']);
    if (typeof portfolio !== 'string' || typeof ticker !== 'string' || lotQuantity === undefined || lotQuantity < 0) return undefined;
    if ((item['price'] != null && price === undefined) || (item['budget'] != null && budget === undefined)) return undefined;
    requests.push({ portfolio, exchange, ticker, price, lotQuantity, budget, includeLimitOrders: item['includeLimitOrders'] === true });
  }
  return requests;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

function lowerCase(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** A JSON number with no fraction (zero and negatives included: the risk check refuses those). */
function integer(value: unknown): number | undefined {
  if (!isLosslessNumber(value) || !/^-?\d+$/.test(value.value)) return undefined;
  return Number(value.value);
}

function decimalText(value: unknown): string | undefined {
  if (!isLosslessNumber(value)) return undefined;
  try {
    return new Big(value.value).toFixed();
  } catch {
    return undefined;
  }
}

/**
 * The refresh token and optional `allowedPortfolios` from the query or a JSON body
 * (`{"token": …}`, or `{"Token": …}` as ALOR's .NET SDK sends it); the body wins.
 */
export function refreshRequest(request: SimulatorRequest): { token: string | undefined; allowedPortfolios: string[] | undefined } {
  let body: Record<string, unknown> = {};
  try {
    const parsed = request.body.trim() ? parse(request.body) : undefined;
    if (isObject(parsed)) body = parsed;
  } catch {
    // An unreadable body counts as no body: the query may still carry the token.
  }
  const bodyToken = body['token'] ?? body['Token'];
  const token = typeof bodyToken === 'string' ? bodyToken : (request.query.get('token') ?? undefined);
  const bodyPortfolios = body['allowedPortfolios'];
  let allowedPortfolios: string[] | undefined;
  if (Array.isArray(bodyPortfolios)) allowedPortfolios = bodyPortfolios.filter((item): item is string => typeof item === 'string');
  else {
    // The query form is a JSON array in a string: allowedPortfolios=["D39004","G39004"].
    const queryPortfolios = request.query.get('allowedPortfolios');
    if (queryPortfolios) {
      try {
        const parsed = JSON.parse(queryPortfolios) as unknown;
        if (Array.isArray(parsed)) allowedPortfolios = parsed.filter((item): item is string => typeof item === 'string');
      } catch {
        allowedPortfolios = [];
      }
    }
  }
  return { token, allowedPortfolios };
}

export function exchangeOf(value: string | undefined): string {
  const exchange = (value ?? '').toUpperCase();
  if (exchange !== 'MOEX' && exchange !== 'SPBX') throw new AlorRejection(400, { message: `Unknown exchange ${value}: expected MOEX or SPBX` });
  return exchange;
}

/** The instrument a market-data route's `:exchange` and `:symbol` name; 404 for one ALOR does not list. */
export function pathInstrument(state: AlorSimulatorState, request: SimulatorRequest): SimulatedInstrument {
  const instrument = state.instrument(exchangeOf(request.params['exchange']), request.params['symbol'] ?? '');
  if (!instrument) throw new AlorRejection(404);
  return instrument;
}

/** GET …/orderbooks' `depth`: 1…50, 20 when absent. */
/** The instrument `symbol` and `exchange` of the query name (GET /md/v2/history), as `EXCHANGE:SYMBOL`; 404 when unknown. */
export function queryInstrument(state: AlorSimulatorState, request: SimulatorRequest): string {
  const instrument = state.instrument(exchangeOf(request.query.get('exchange') ?? undefined), request.query.get('symbol') ?? '');
  if (!instrument) throw new AlorRejection(404);
  return `${instrument.exchange}:${instrument.symbol}`;
}

export function orderbookDepth(request: SimulatorRequest): number {
  const text = request.query.get('depth');
  const depth = text === null || text === '' ? 20 : Number(text);
  if (!Number.isInteger(depth) || depth < 1 || depth > 50) throw new AlorRejection(400, { message: `depth must be an integer from 1 to 50, got ${text}` });
  return depth;
}

export function headerText(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() ? text.trim() : undefined;
}

/**
 * The instruments of GET /md/v2/Securities/{symbols}/quotes (SPEC `path_Symbols`): EXCHANGE:SYMBOL
 * pairs separated by commas, in the path as clients write them (MOEX:SBER,MOEX:GAZP), unknown
 * ones left out. ASP.NET Core decodes %3A and %2C in a route value before the handler sees it, so
 * an encoded list is read alike: neither alor.md nor the spec says it is refused. (The request log
 * keeps the path as sent, for tests of what clients write.)
 */
export function quotedInstruments(state: AlorSimulatorState, symbols: string): SimulatedInstrument[] {
  return symbols
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const [exchange, symbol] = pair.includes(':') ? pair.split(':', 2) : ['MOEX', pair];
      return state.instrument((exchange ?? '').toUpperCase(), symbol ?? '');
    })
    .filter((instrument) => instrument !== undefined);
}
