import { BearerTokens, type SimulatorRequest } from '../common/http.js';
import { TinkoffApiError, tinkoffErrors } from './errors.js';

/**
 * T-Invest's tokens: Bearer tokens with full access or read-only access ("determined by the
 * token"). Anything else is 401 with error 40003.
 */

export type Access = 'full' | 'readonly';

export interface TinkoffSimulatorToken {
  token: string;
  access: Access;
}

export const tinkoffSimulatorTokens = {
  full: 't.simulator-full-access-token-3f9a1c',
  readonly: 't.simulator-readonly-token-7d2e4b',
} as const;

const defaultTokens: TinkoffSimulatorToken[] = [
  { token: tinkoffSimulatorTokens.full, access: 'full' },
  { token: tinkoffSimulatorTokens.readonly, access: 'readonly' },
];

export interface TinkoffCaller {
  token: string;
  access: Access;
}

/** Recognises the tokens the simulator accepts; `check` throws T-Invest's 401 for any other. */
export class TinkoffTokens {
  private readonly tokens: BearerTokens<Access>;

  constructor(tokens: TinkoffSimulatorToken[] = defaultTokens) {
    this.tokens = new BearerTokens(tokens.map((entry) => [entry.token, entry.access] as const));
  }

  check(request: SimulatorRequest): TinkoffCaller {
    const found = this.tokens.find(request);
    if (!found) throw new TinkoffApiError(tinkoffErrors.unauthenticated);
    return { token: found.token, access: found.grant };
  }

  /** What a token may do; undefined for an unknown or revoked one (the stream simulator's handshake). */
  access(token: string): Access | undefined {
    return this.tokens.grantOf(token);
  }

  /** Switch: REST answers 40003 to the token from now on. */
  revoke(token: string): void {
    this.tokens.revoke(token);
  }
}
