import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import { AuthenticationThrottledError, UnauthenticatedError } from '../errors.js';
import { authenticateRequest, type RequestAuthenticator } from './authenticate-request.js';
import type { AuthenticationFailure } from './tokens.js';

export type BearerAuthOptions = RequestAuthenticator;

const messages: Record<AuthenticationFailure, string> = {
  missing: 'an Authorization: Bearer <brokerql token> header is required',
  malformed: 'the bearer token is not a brokerql token (they start with bql_)',
  unknown: 'the bearer token is not valid',
  expired: 'the bearer token has expired',
  revoked: 'the bearer token has been revoked',
};

/**
 * Every GraphQL operation needs a brokerql token. The viewer it names joins the context before
 * any resolver runs; without one the request ends with HTTP 401 and UNAUTHENTICATED, and no
 * broker is called. GraphiQL's page itself is served before this runs, so it loads without one.
 * An address that keeps failing gets 429 instead of 401 for its failures for a while; a valid
 * token from it is still served.
 */
export function useBearerAuth(options: BearerAuthOptions): Plugin<GatewayContext> {
  return {
    onContextBuilding({ context, extendContext }) {
      const header = context.request.headers.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const result = authenticateRequest(options, context.request, context, match ? match[1] : header ? 'malformed' : undefined);
      // Errors of the one tree: the error mask gives them their code and their HTTP status.
      if ('blockedForSeconds' in result) throw new AuthenticationThrottledError(result.blockedForSeconds);
      if ('failure' in result) throw new UnauthenticatedError(messages[result.failure]);
      extendContext({ viewer: result.viewer });
      // The request scope was made before anyone knew who is asking (context factory).
      const scope = (context as Partial<GatewayContext>).scope;
      if (scope) scope.client = result.viewer.tokenId;
    },
  };
}
