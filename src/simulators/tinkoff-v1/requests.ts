import Big from 'big.js';
import { parseJsonObject } from '../common/http.js';
import { currencies, type BrokerAccountType, type Currency, type OperationSide } from './data.js';
import { TinkoffV1ApiError, tinkoffV1Errors } from './errors.js';
import type { BrokerAccount } from './state.js';
import { parseOffsetDateTime } from './wire.js';

/**
 * Reading v1 requests as its Spring server did: query parameters and JSON bodies, refused with
 * VALIDATION_ERROR and a message in the server's "[field]: text" form.
 */

const { validation } = tinkoffV1Errors;

export function requiredText(query: URLSearchParams, field: string): string {
  const value = query.get(field);
  if (!value) throw validation(field, 'must not be null');
  return value;
}

export function requiredInteger(text: string | null, field: string): number {
  if (text === null || text === '') throw validation(field, 'must not be null');
  if (!/^-?\d+$/.test(text)) throw validation(field, `Failed to convert value '${text}' to int`);
  return Number(text);
}

export function requiredTimestamp(query: URLSearchParams, field: string): number {
  const text = requiredText(query, field);
  const time = parseOffsetDateTime(text);
  // An unencoded "+03:00" arrives as " 03:00" and fails here, as it did against the real server.
  if (time === undefined) throw validation(field, `Text '${text}' could not be parsed`);
  return time;
}

export type RequestBody = Record<string, unknown>;

/** A JSON object body, as Jackson bound it before the handler ran. */
export function requestBody(text: string): RequestBody {
  const body = parseJsonObject(text);
  if (!body) throw validation('body', 'must be a JSON object');
  return body;
}

/** A body that may be left out (`/sandbox/register`). */
export function optionalRequestBody(text: string): RequestBody {
  return text.trim() ? requestBody(text) : {};
}

/** Jackson coerced numeric strings to numbers, so "2" is as good as 2. */
function numberOf(value: unknown): Big | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Big(String(value));
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) return new Big(value.trim());
  return undefined;
}

export function requiredLots(value: unknown): number {
  if (value === undefined || value === null) throw validation('lots', 'must not be null');
  const lots = numberOf(value);
  if (!lots || !lots.round(0).eq(lots)) throw validation('lots', 'must be an integer');
  if (lots.lt(1)) throw validation('lots', 'must be greater than or equal to 1');
  if (lots.gt(2_147_483_647)) throw validation('lots', 'must be less than or equal to 2147483647');
  return Number(lots.toFixed());
}

export function requiredSide(value: unknown): OperationSide {
  if (value === undefined || value === null) throw validation('operation', 'must not be null');
  if (value !== 'Buy' && value !== 'Sell') throw validation('operation', 'must be one of [Buy, Sell]');
  return value;
}

export function requiredPrice(value: unknown): Big {
  if (value === undefined || value === null) throw validation('price', 'must not be null');
  const price = numberOf(value);
  if (!price || price.lte(0)) throw validation('price', 'must be greater than 0');
  return price;
}

export function requiredBalance(value: unknown): Big {
  if (value === undefined || value === null) throw validation('balance', 'must not be null');
  const balance = numberOf(value);
  if (!balance || balance.lt(0)) throw validation('balance', 'must be greater than or equal to 0');
  return balance;
}

export function requiredCurrency(value: unknown): Currency {
  if (value === undefined || value === null) throw validation('currency', 'must not be null');
  if (typeof value !== 'string' || !currencies.includes(value as Currency)) throw validation('currency', `must be one of [${currencies.join(', ')}]`);
  return value as Currency;
}

/** /sandbox/register's `brokerAccountType`, "Tinkoff" when left out. */
export function requiredAccountType(value: unknown): BrokerAccountType {
  const type = value ?? 'Tinkoff';
  if (type !== 'Tinkoff' && type !== 'TinkoffIis') throw validation('brokerAccountType', 'must be one of [Tinkoff, TinkoffIis]');
  return type;
}

/** The account of /portfolio/currencies, which reports an unknown one as REQUEST_DATA_ERROR "Invalid account" (DART capture). */
export function currenciesAccount(account: () => BrokerAccount): BrokerAccount {
  try {
    return account();
  } catch (error) {
    const unknown = tinkoffV1Errors.unknownAccount();
    if (error instanceof TinkoffV1ApiError && error.code === unknown.code && error.message === unknown.message) throw tinkoffV1Errors.invalidAccount();
    throw error;
  }
}
