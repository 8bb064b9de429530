import { z } from 'zod';

/**
 * The value rules config.ts and every broker's connection schema (src/brokers/<broker>/config.ts)
 * share: numbers that may arrive as strings from `${NAME}`, secrets, URLs, and the options every
 * connection accepts whatever its broker.
 */

/** Accepts 4000 and "4000" alike: `${PORT}` always arrives as a string. */
export const integer = (minimum: number, maximum: number) => {
  const expected = `expected a whole number from ${minimum} to ${maximum}`;
  return z
    .union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)], expected)
    .pipe(z.number(expected).int(expected).min(minimum, expected).max(maximum, expected));
};

export const secret = (what: string) => z.string(`expected the ${what} as a string`).min(1, `the ${what} is empty`);
export const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
/** A broker's stream endpoint: wss:// (ws:// for a simulator on loopback). */
export const websocketUrl = z.url({ protocol: /^wss?$/, error: 'expected a ws(s) URL' });

export const connectionIdPattern = /^[a-z][a-z0-9-]{0,31}$/;

/** Options every connection accepts, whatever its broker. */
export const connectionCommon = {
  id: z.string('expected a string').regex(connectionIdPattern, 'must match ^[a-z][a-z0-9-]{0,31}$ (lower case, starts with a letter)'),
  /** Total time one upstream HTTP call may take. Default 15 s. */
  timeoutMs: integer(100, 600_000).default(15_000),
  /** Time to establish the TCP/TLS connection. Default 5 s. */
  connectTimeoutMs: integer(100, 120_000).default(5_000),
  /**
   * Broker calls in flight at once on this connection. Default: one second of the broker's
   * published rate (T-Invest 50, ALOR 100, InstaForex 2, Tinkoff v1 16; brokers/resilience/policy.ts).
   */
  maxConcurrentRequests: integer(1, 256).optional(),
  /** Keep to the broker's documented request limits. Default true; false only for load tests against simulators. */
  quota: z.boolean('expected true or false').default(true),
};

/** What every validated connection entry has, whatever its broker (each broker's schema adds its own keys). */
export type CommonConnectionConfig = z.output<z.ZodObject<typeof connectionCommon>>;
