import { clientAddress } from './client-address.js';
import type { FailedAuthenticationLimiter } from './failed-auth-limiter.js';
import type { AuthenticationResult, TokenStore } from './tokens.js';

export interface RequestAuthenticator {
  tokens: TokenStore;
  failures: FailedAuthenticationLimiter;
  /** Read the client address from X-Forwarded-For (behind a trusted reverse proxy). */
  trustProxy: boolean;
}

/**
 * The one authentication sequence of every endpoint (GraphQL and the v1 compat route): an
 * address that keeps failing is refused before its token is looked at; a failure counts
 * against its address. Each endpoint reads the secret from its header its own way and answers
 * in its own shape.
 */
export function authenticateRequest(
  { tokens, failures, trustProxy }: RequestAuthenticator,
  request: Request,
  serverContext: unknown,
  secret: string | undefined,
): AuthenticationResult | { blockedForSeconds: number } {
  const address = clientAddress(request, serverContext, trustProxy);
  const blockedForSeconds = failures.blockedFor(address);
  if (blockedForSeconds > 0) return { blockedForSeconds };
  const result = tokens.authenticate(secret);
  if ('failure' in result) failures.recordFailure(address);
  return result;
}
