import type { Plugin } from 'graphql-yoga';
import { authenticateRequest, type RequestAuthenticator } from '../auth/authenticate-request.js';
import type { ContextFactory, RequestContext } from '../context.js';
import { clientCode } from '../client-errors.js';
import { BrokerqlError, type ErrorCode } from '../errors.js';
import { isClientDisconnect, RequestBodyTooLargeError } from '../plugins/use-request-body-limit.js';
import { proxyRoutes, UnknownAccountError } from './proxy-routes.js';
import { errorEnvelope } from './v1-shapes.js';

export interface TinkoffV1CompatOptions extends RequestAuthenticator {
  /** The gateway's context factory, so a proxy call gets the same loaders, deadline and trading service. */
  createContext: ContextFactory;
  redact: (text: string) => string;
  onUnexpected: (error: unknown) => void;
  endpoint?: string;
}

/** The contract's codes (errors.ts `clientCode`) in v1's vocabulary (tinkoff.md §2.4); anything else is INTERNAL_ERROR. */
const v1Codes: Partial<Record<ErrorCode, string>> = {
  BAD_USER_INPUT: 'VALIDATION_ERROR',
  NOT_FOUND: 'NOT_FOUND',
  UPSTREAM_REJECTED: 'ORDER_ERROR',
  NOT_SUPPORTED: 'OrderNotAvailable',
  FORBIDDEN: 'OrderNotAvailable',
  UPSTREAM_AUTH: 'GATEWAY_REQUEST_DATA_ERROR',
  // brokerql's own refusals of an order: its policy (the message names the rule) and the kill switch.
  RISK_LIMIT_EXCEEDED: 'ORDER_ERROR',
  TRADING_HALTED: 'OrderNotAvailable',
};

/**
 * `GET|POST /compat/tinkoff-v1?action=/portfolio&brokerAccountId=…` — a drop-in for
 * invest_proxy.php v1.02, so a statistics service built for it can point at brokerql instead:
 * the proxy's routes and parameter rules, v1 envelopes, HTTP 200 for answers and errors alike
 * (as the proxy echoed upstream bodies), an empty 401 for a bad token and an empty 404 for
 * anything the proxy did not route — but authenticated with a brokerql token, with that
 * token's account scope, and order actions only for TRADE tokens.
 */
export function useTinkoffV1Compat(options: TinkoffV1CompatOptions): Plugin {
  const endpoint = options.endpoint ?? '/compat/tinkoff-v1';
  return {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (url.pathname !== endpoint) return;
      const respond = (status: number, body = '', headers: Record<string, string> = {}) =>
        endResponse(new fetchAPI.Response(body || null, { status, headers: body ? { 'content-type': 'application/json; charset=utf-8', ...headers } : headers }));

      // The proxy's own pattern: /Bearer\s(\S+)/ui anywhere in the header.
      const secret = /Bearer\s(\S+)/iu.exec(request.headers.get('authorization') ?? '')?.[1];
      const authentication = authenticateRequest(options, request, serverContext, secret);
      if ('blockedForSeconds' in authentication) return respond(429);
      if ('failure' in authentication) return respond(401);

      const route = proxyRoutes[`${request.method} ${url.searchParams.get('action') ?? ''}`];
      if (!route) return respond(404);
      // The server's context (Node: `req`) goes along, so the client address is the same as GraphQL's.
      const context: RequestContext = { ...options.createContext({ ...(serverContext as object), request }), viewer: authentication.viewer };
      context.scope.client = authentication.viewer.tokenId;
      try {
        // Read only by a route that needs it, after its own checks (a READ token's order is refused unread).
        const body = await route(context, url.searchParams, () => (request.method === 'POST' ? request.text() : Promise.resolve('')));
        return body === null ? respond(404) : respond(200, body);
      } catch (error) {
        if (error instanceof RequestBodyTooLargeError) return respond(413, '', { connection: 'close' });
        // Nobody is left to read an answer; useRequestBodyLimit has logged it.
        if (isClientDisconnect(error)) return respond(400);
        const contractCode = clientCode(error);
        if (contractCode === 'RATE_LIMITED') return respond(429);
        if (!(error instanceof BrokerqlError)) options.onUnexpected(error);
        const code = error instanceof UnknownAccountError ? error.v1Code : (v1Codes[contractCode] ?? 'INTERNAL_ERROR');
        const message = error instanceof BrokerqlError ? options.redact(error.message) : 'INTERNAL_ERROR';
        return respond(200, errorEnvelope(code, message));
      }
    },
  };
}
