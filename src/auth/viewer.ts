/** Who is asking: the brokerql token a request authenticated with (auth/tokens.ts reads it). */

export type Scope = 'READ' | 'TRADE';

export interface ViewerModel {
  tokenId: string;
  name: string;
  scope: Scope;
  /** Account ids this token is limited to; null means every account. */
  accountIds: readonly string[] | null;
}
