/**
 * Configurable method paths: the closed-trades name, and even the confirmed ones, are guesses or
 * may move (protocol notes §3).
 */

export interface InstaforexPaths {
  /** `client/RequestBalanceInformation/{login}` */
  balance: string;
  /** `client/RequestOpenTrades/{login}` */
  openTrades: string;
  /** `client/RequestClosedTrades/{login}` — the real name is unknown (protocol notes §3). */
  closedTrades: string;
}

export const defaultPaths: InstaforexPaths = {
  balance: 'client/RequestBalanceInformation/{login}',
  openTrades: 'client/RequestOpenTrades/{login}',
  closedTrades: 'client/RequestClosedTrades/{login}',
};

/** `client/RequestOpenTrades/{login}` → `/client/RequestOpenTrades/:login`; the path must name `{login}`. */
export function routePattern(path: string): string {
  const segments = path.split('?')[0]!.split('/').filter(Boolean);
  if (!segments.includes('{login}')) throw new Error(`InstaForex simulator path "${path}" must contain a {login} segment`);
  return `/${segments.map((segment) => segment.replace(/^\{(\w+)\}$/, ':$1')).join('/')}`;
}
