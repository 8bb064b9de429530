import { parseJsonObject } from '../common/http.js';

/**
 * Reading what InstaForex's clients send, as ASP.NET Web API and Json.NET bind it: credentials,
 * MT4 logins in the path, query parameters by case-insensitive name, and times.
 */

/**
 * `{Login, Password}` as Json.NET binds it: keys in any case (the last one wins), Login an
 * integer or a string of digits, Password a string (a number is taken as its text).
 */
export function readCredentials(body: string): { login: number; password: string } | undefined {
  const parsed = parseJsonObject(body);
  if (!parsed) return undefined;
  let login: number | undefined;
  let password: string | undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (key.toLowerCase() === 'login') {
      login = typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'string' ? parseLogin(value) : undefined;
    } else if (key.toLowerCase() === 'password') {
      password = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
    }
  }
  return login === undefined || password === undefined ? undefined : { login, password };
}

/** An MT4 login: a non-negative Int32 (what Web API can bind `{login}` to). */
export function parseLogin(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const login = Number(text);
  return login <= 2_147_483_647 ? login : undefined;
}

/** Web API binds query parameters by name case-insensitively. */
export function queryValue(query: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of query) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

/**
 * Reads a `from`/`to` query value: unix seconds, or ISO-8601 (a date, or a date-time with or
 * without a zone; no zone means UTC, as the server's own ISO output has none). A `+` in an
 * unencoded offset arrives as a space and is put back.
 */
export function parseTimeParameter(text: string): number | undefined {
  const value = text.trim().replace(' ', '+');
  if (/^-?\d+$/.test(value)) return Number(value);
  const match = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value);
  if (!match) return undefined;
  const [, date, time = 'T00:00:00', zone = 'Z'] = match;
  const milliseconds = Date.parse(`${date}${time}${zone}`);
  return Number.isNaN(milliseconds) ? undefined : Math.floor(milliseconds / 1000);
}
