import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import type { AuthenticationFailure, TokenStore } from './tokens.js';

export interface BearerAuthOptions {
  tokens: TokenStore;
}

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
 */
export function useBearerAuth({ tokens }: BearerAuthOptions): Plugin<GatewayContext> {
  return {
    onContextBuilding({ context, extendContext }) {
      const header = context.request.headers.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const result = tokens.authenticate(match ? match[1] : header ? 'malformed' : undefined);
      if ('failure' in result) {
        throw createGraphQLError(messages[result.failure], {
          extensions: {
            code: 'UNAUTHENTICATED',
            http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="brokerql"' } },
          },
        });
      }
      extendContext({ viewer: result.viewer });
    },
  };
}
