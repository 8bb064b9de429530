import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
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
      if ('blockedForSeconds' in result) {
        const blockedFor = result.blockedForSeconds;
        throw createGraphQLError('too many failed authentications from this address; try again later', {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfterSeconds: blockedFor,
            http: { status: 429, headers: { 'Retry-After': String(blockedFor) } },
          },
        });
      }
      if ('failure' in result) {
        throw createGraphQLError(messages[result.failure], {
          extensions: {
            code: 'UNAUTHENTICATED',
            http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="brokerql"' } },
          },
        });
      }
      extendContext({ viewer: result.viewer });
      // The request scope was made before anyone knew who is asking (context factory).
      const scope = (context as Partial<GatewayContext>).scope;
      if (scope) scope.client = result.viewer.tokenId;
    },
  };
}
