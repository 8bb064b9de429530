import type { RiskPolicy } from '../trading/policy.js';

/** Who is asking: the brokerql token a request authenticated with (auth/tokens.ts reads it). */

export type Scope = 'READ' | 'TRADE';

export interface ViewerModel {
  tokenId: string;
  name: string;
  scope: Scope;
  /** Account ids this token is limited to; null means every account. */
  accountIds: readonly string[] | null;
  /** The token's risk policy, read with the token on every request; absent or null = none. */
  policy?: RiskPolicy | null | undefined;
}
