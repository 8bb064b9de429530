import { parseJsonObject } from '../common/http.js';
import type { Access } from './auth.js';
import type { SimulatedInstrument } from './data.js';
import { tinkoffCandleLimits } from '../../brokers/tinkoff/limits.js';
import type { SeriesInterval } from '../common/candles.js';
import { TinkoffApiError, tinkoffErrors, UnreadableBodyError, type TinkoffErrorEntry } from './errors.js';
import type { PostOrderInput } from './orders.js';
import type { OperationFilter, TinkoffSimulatorState } from './state.js';
import { readQuotation } from './wire.js';

/**
 * Reading T-Invest request bodies the way its REST gateway does: a JSON object, camelCase
 * fields, each missing or invalid one refused with its own API error number.
 */

export type RequestBody = Record<string, unknown>;

export function jsonObject(text: string): RequestBody {
  const body = parseJsonObject(text);
  if (!body) throw new UnreadableBodyError();
  return body;
}

export function requireAccount(state: TinkoffSimulatorState, body: RequestBody): string {
  const accountId = body['accountId'];
  if (typeof accountId !== 'string' || !accountId) throw new TinkoffApiError(tinkoffErrors.missingAccountId);
  const account = state.accounts.find((candidate) => candidate.id === accountId);
  if (!account) throw new TinkoffApiError(tinkoffErrors.accountNotFound);
  if (account.accessLevel === 'ACCOUNT_ACCESS_LEVEL_NO_ACCESS') throw new TinkoffApiError(tinkoffErrors.insufficientPrivileges);
  return accountId;
}

/** Orders need a full-access token on an open account (40002 for read-only, 40004 for closed). */
export function requireTradingAccount(state: TinkoffSimulatorState, body: RequestBody, access: Access): string {
  const accountId = requireAccount(state, body);
  const account = state.accounts.find((candidate) => candidate.id === accountId)!;
  if (access !== 'full' || account.accessLevel !== 'ACCOUNT_ACCESS_LEVEL_FULL_ACCESS') {
    throw new TinkoffApiError(tinkoffErrors.insufficientPrivileges);
  }
  if (account.status !== 'ACCOUNT_STATUS_OPEN') throw new TinkoffApiError(tinkoffErrors.ordersNotAvailable);
  return accountId;
}

export function requireInstrument(state: TinkoffSimulatorState, body: RequestBody): SimulatedInstrument {
  const id = body['instrumentId'] ?? body['figi'];
  if (typeof id !== 'string' || !id) throw new TinkoffApiError(tinkoffErrors.missingInstrument);
  return state.instrument(id);
}

/** GetInstrumentBy: `{idType, id, classCode}`, where a ticker needs its class code. */
export function instrumentBy(state: TinkoffSimulatorState, body: RequestBody): SimulatedInstrument {
  const { idType, id, classCode } = body as { idType?: unknown; id?: unknown; classCode?: unknown };
  if (typeof id !== 'string' || !id) throw new TinkoffApiError(tinkoffErrors.missingId);
  let instrument: SimulatedInstrument | undefined;
  switch (idType) {
    case 'INSTRUMENT_ID_TYPE_FIGI':
      instrument = state.instruments.find((candidate) => candidate.figi === id);
      break;
    case 'INSTRUMENT_ID_TYPE_UID':
      instrument = state.instruments.find((candidate) => candidate.uid === id);
      break;
    case 'INSTRUMENT_ID_TYPE_POSITION_UID':
      instrument = state.instruments.find((candidate) => candidate.positionUid === id);
      break;
    case 'INSTRUMENT_ID_TYPE_TICKER':
      if (typeof classCode !== 'string' || !classCode) throw new TinkoffApiError(tinkoffErrors.classCodeRequired);
      instrument = state.findByTicker(id, classCode);
      break;
    default:
      throw new TinkoffApiError(tinkoffErrors.invalidIdType);
  }
  if (!instrument) throw new TinkoffApiError(tinkoffErrors.instrumentNotFound);
  return instrument;
}

export function orderBookDepth(body: RequestBody): number {
  const depth = body['depth'];
  if (typeof depth !== 'number' || ![1, 10, 20, 30, 40, 50].includes(depth)) throw new TinkoffApiError(tinkoffErrors.invalidDepth);
  return depth;
}

/** PostOrder: the client's `orderId` (a UUID) is its idempotency key, `quantity` is in lots. */
export function postOrderInput(state: TinkoffSimulatorState, body: RequestBody, access: Access): PostOrderInput {
  const accountId = requireTradingAccount(state, body, access);
  const instrument = requireInstrument(state, body);
  const orderRequestId = body['orderId'];
  if (typeof orderRequestId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(orderRequestId)) {
    throw new TinkoffApiError(tinkoffErrors.invalidOrderId);
  }
  const lots = Number(body['quantity']);
  if (!Number.isInteger(lots) || lots <= 0) throw new TinkoffApiError(tinkoffErrors.invalidQuantity);
  const direction = body['direction'];
  const orderType = body['orderType'];
  if (direction !== 'ORDER_DIRECTION_BUY' && direction !== 'ORDER_DIRECTION_SELL') {
    throw new TinkoffApiError(tinkoffErrors.missingDirection);
  }
  if (orderType !== 'ORDER_TYPE_LIMIT' && orderType !== 'ORDER_TYPE_MARKET') throw new TinkoffApiError(tinkoffErrors.invalidOrderType);
  const price = body['price'] === undefined ? undefined : readQuotation(body['price']);
  if (body['price'] !== undefined && price === undefined) throw new TinkoffApiError(tinkoffErrors.invalidPrice);
  return { accountId, figi: instrument.figi, direction, orderType, lots, price, orderRequestId };
}

export function requireOrderId(body: RequestBody): string {
  const orderId = body['orderId'];
  if (typeof orderId !== 'string' || !orderId) throw new TinkoffApiError(tinkoffErrors.missingOrderId);
  return orderId;
}

/**
 * GetOperationsByCursor's page: `limit` 1…1000 (default 100) from the opaque `cursor` — the
 * position after a row, as that row's `cursor` and the page's `nextCursor` say — moved by the
 * history's seam faults.
 */
export function operationsPage(state: TinkoffSimulatorState, body: RequestBody): { start: number; limit: number } {
  const limit = body['limit'] === undefined ? 100 : Number(body['limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new TinkoffApiError(tinkoffErrors.invalidLimit);
  const cursor = body['cursor'];
  return { start: cursor ? state.history.seamStart(Number(cursor)) : 0, limit };
}

const candleIntervals: Record<string, SeriesInterval> = {
  CANDLE_INTERVAL_1_MIN: 'MINUTE_1',
  CANDLE_INTERVAL_5_MIN: 'MINUTE_5',
  CANDLE_INTERVAL_15_MIN: 'MINUTE_15',
  CANDLE_INTERVAL_HOUR: 'HOUR_1',
  CANDLE_INTERVAL_DAY: 'DAY',
  CANDLE_INTERVAL_WEEK: 'WEEK',
  CANDLE_INTERVAL_MONTH: 'MONTH',
};

export interface CandlesRequest {
  figi: string;
  interval: SeriesInterval;
  from: number;
  to: number;
  limit: number | undefined;
}

const day = 86_400_000;

/**
 * GetCandles' request, checked as T-Invest checks it: an instrument, `from` and `to` (RFC 3339),
 * an interval (the simulator has the seven brokerql asks for; ⚠ the others T-Invest offers are
 * answered 30011 here), a window no longer than the interval's cap (30014) and a `limit` no larger
 * than its cap (⚠ T-Invest documents the cap but not its error; 30069 is its `limit` error).
 */
export function candlesRequest(state: TinkoffSimulatorState, body: RequestBody): CandlesRequest {
  const instrument = requireInstrument(state, body);
  const from = readTime(body['from'], tinkoffErrors.missingFrom, tinkoffErrors.invalidFrom);
  const to = readTime(body['to'], tinkoffErrors.missingTo, tinkoffErrors.invalidTo);
  const interval = candleIntervals[String(body['interval'])];
  if (!interval) throw new TinkoffApiError(tinkoffErrors.invalidInterval);
  if (to < from) throw new TinkoffApiError(tinkoffErrors.toBeforeFrom);
  const cap = tinkoffCandleLimits[interval];
  if (to - from > cap.maximumDays * day) throw new TinkoffApiError(tinkoffErrors.candlePeriodTooLong);
  const limit = body['limit'] === undefined ? undefined : Number(body['limit']);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > cap.maximumCandles)) throw new TinkoffApiError(tinkoffErrors.invalidLimit);
  return { figi: instrument.figi, interval, from, to, limit };
}

function readTime(value: unknown, missing: TinkoffErrorEntry, invalid: TinkoffErrorEntry): number {
  if (value === undefined || value === '') throw new TinkoffApiError(missing);
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new TinkoffApiError(invalid);
  return time;
}

/** `from`, `to` and an instrument (figi or uid) to narrow an operations list. */
export function operationFilter(state: TinkoffSimulatorState, body: RequestBody): OperationFilter {
  const from = typeof body['from'] === 'string' ? Date.parse(body['from']) : Number.NEGATIVE_INFINITY;
  const to = typeof body['to'] === 'string' ? Date.parse(body['to']) : Number.POSITIVE_INFINITY;
  const instrumentId = body['instrumentId'] ?? body['figi'];
  const figi = typeof instrumentId === 'string' && instrumentId ? (state.findInstrument(instrumentId)?.figi ?? instrumentId) : undefined;
  return { from, to, figi };
}
