import { BearerTokens, type SimulatorRequest } from '../common/http.js';
import { BrokerRefusal } from '../common/routes.js';
import { tinkoffV1Errors } from './errors.js';
import type { Environment } from './state.js';

/**
 * Tinkoff OpenAPI v1's tokens: Bearer tokens of two kinds, each working only on its own base —
 * a trading token on /openapi, a sandbox token on /openapi/sandbox. An unknown token is 401
 * with no body; a token of the other kind is "Invalid token scopes".
 */

export interface TinkoffV1SimulatorToken {
  token: string;
  /** A trading token works on /openapi, a sandbox token on /openapi/sandbox. */
  environment: Environment;
}

export const tinkoffV1SimulatorTokens = {
  trading: 't.simulator-v1-trading-token-5b8e21',
  sandbox: 't.simulator-v1-sandbox-token-c04d97',
} as const;

const defaultTokens: TinkoffV1SimulatorToken[] = [
  { token: tinkoffV1SimulatorTokens.trading, environment: 'trading' },
  { token: tinkoffV1SimulatorTokens.sandbox, environment: 'sandbox' },
];

export interface TinkoffV1Caller {
  token: string;
  environment: Environment;
}

export class TinkoffV1Tokens {
  private readonly tokens: BearerTokens<Environment>;

  constructor(tokens: TinkoffV1SimulatorToken[] = defaultTokens) {
    this.tokens = new BearerTokens(tokens.map((entry) => [entry.token, entry.environment] as const));
  }

  /** The caller, if the request's token works on this base; else v1's refusal. */
  check(request: SimulatorRequest, environment: Environment): TinkoffV1Caller {
    const found = this.tokens.find(request);
    if (!found) throw new BrokerRefusal({ status: 401 });
    if (found.grant !== environment) throw tinkoffV1Errors.invalidTokenScopes();
    return { token: found.token, environment };
  }
}
