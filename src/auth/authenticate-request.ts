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
 * The one authentication sequence of every endpoint (GraphQL and the v1 compat route). A valid
 * token is always served, whatever its address has done: the check costs one indexed lookup and
 * one SHA-256, and the address may be a NAT or a proxy shared with whoever is failing. A failure
 * counts against its address, and past the limit the address's failures are refused (429)
 * rather than answered (401). Guessing stays hopeless either way: a secret carries 256 random
 * bits. Each endpoint reads the secret from its header its own way and answers in its own shape.
 */
export function authenticateRequest(
  { tokens, failures, trustProxy }: RequestAuthenticator,
  request: Request,
  serverContext: unknown,
  secret: string | undefined,
): AuthenticationResult | { blockedForSeconds: number } {
  const result = tokens.authenticate(secret);
  if (!('failure' in result)) return result;
  const address = clientAddress(request, serverContext, trustProxy);
  const blockedForSeconds = failures.blockedFor(address);
  failures.recordFailure(address);
  return blockedForSeconds > 0 ? { blockedForSeconds } : result;
}
