import { accessClaimsSchema } from './wire.js';

/**
 * ALOR's access token is a JWT that clients only base64url-decode: `portfolios` is the one list of
 * the client's portfolios ALOR offers, `exp`/`iat` say when to fetch the next token. Example payload
 * (ALOR's documentation sample, trimmed):
 *   {"sub":"LoginSample","ent":"client","clientid":"0123456","agreements":"AgreementSample1",
 *    "portfolios":"D39004 G39004 7500GHC","scope":"OrdersRead OrdersCreate Trades Personal Stats",
 *    "exp":2871763199,"iat":0,"iss":"Alor.Identity"}
 */
export interface AccessToken {
  value: string;
  portfolios: string[];
  /** Local epoch milliseconds after which this token is replaced before use. */
  refreshAt: number;
  /** Local epoch milliseconds after which ALOR refuses it. */
  expiresAt: number;
}

/** ALOR documents a 30-minute lifetime; assumed when a token carries no `exp`. */
const documentedLifetimeSeconds = 30 * 60;
/** How early a 30-minute token is replaced: a request in flight must not outlive its token. */
const longestMarginSeconds = 5 * 60;

/**
 * "A few minutes early" for ALOR's 30-minute tokens, but never more than a sixth of the lifetime,
 * so that a short-lived token (a test contour, a simulator) is still used for most of its life.
 */
export function refreshMarginSeconds(lifetimeSeconds: number): number {
  return Math.max(0, Math.min(longestMarginSeconds, lifetimeSeconds / 6));
}

/**
 * Reads a token from /refresh; undefined when it is not a JWT with a readable payload.
 * Expiry is the earlier of two readings: `exp` on our clock, and the lifetime `exp − iat` (both on
 * ALOR's clock) counted from `receivedAt` on ours. The first is exact when the clocks agree (`iat`
 * is truncated to whole seconds, which matters for a lifetime of seconds); the second keeps a local
 * clock that runs behind ALOR's from using a token too long. A local clock so far ahead that `exp`
 * has already passed is ignored rather than trusted, or every request would fetch a new token.
 */
export function readAccessToken(value: string, receivedAt: number): AccessToken | undefined {
  const payload = value.split('.')[1];
  if (value.split('.').length !== 3 || !payload) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const claims = accessClaimsSchema.safeParse(json);
  if (!claims.success) return undefined;
  const { exp, iat, portfolios } = claims.data;

  const readings: number[] = [];
  if (exp !== undefined && iat !== undefined && exp > iat) readings.push(receivedAt + (exp - iat) * 1000);
  if (exp !== undefined && exp * 1000 > receivedAt) readings.push(exp * 1000);
  const expiresAt = readings.length > 0 ? Math.min(...readings) : receivedAt + documentedLifetimeSeconds * 1000;
  const lifetimeSeconds = exp !== undefined && iat !== undefined && exp > iat ? exp - iat : (expiresAt - receivedAt) / 1000;
  return {
    value,
    portfolios: portfolios.split(' ').filter(Boolean),
    refreshAt: expiresAt - refreshMarginSeconds(lifetimeSeconds) * 1000,
    expiresAt,
  };
}
