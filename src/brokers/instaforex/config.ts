import { z } from 'zod';
import { connectionCommon, secret, url } from '../../config-values.js';

/** InstaForex's method paths are not all publicly confirmed: verify them against your cabinet's API page. */
const instaforexPath = z
  .string()
  .regex(/^[A-Za-z0-9/_.-]*\{login\}[A-Za-z0-9/_.-]*$/, 'expected a path containing {login}, e.g. client/RequestOpenTrades/{login}');
const instaforexPaths = z.strictObject({
  balance: instaforexPath.default('client/RequestBalanceInformation/{login}'),
  openTrades: instaforexPath.default('client/RequestOpenTrades/{login}'),
  closedTrades: instaforexPath.default('client/RequestClosedTrades/{login}'),
});

/** The config of one InstaForex connection (README, "Every option"); validated by config.ts. */
export const instaforexConnection = z.strictObject({
  ...connectionCommon,
  broker: z.literal('instaforex'),
  login: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)], 'expected the trading account number').transform(String),
  password: secret('InstaForex API password'),
  baseUrl: url.default('https://client-api.instaforex.com'),
  paths: instaforexPaths.default(() => instaforexPaths.parse({})),
});

export type InstaforexConnectionConfig = z.output<typeof instaforexConnection>;
