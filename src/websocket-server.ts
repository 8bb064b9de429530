import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { getOperationAST, GraphQLError, type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticateRequest, type RequestAuthenticator } from './auth/authenticate-request.js';
import type { ContextAdditions } from './context.js';
import { BadUserInputError, RateLimitedError } from './errors.js';

/**
 * GraphQL over WebSocket (the graphql-transport-ws protocol of the graphql-ws library) on the
 * gateway's own HTTP server, at the GraphQL endpoint. The brokerql token comes in
 * connection_init's payload, `{"authorization": "Bearer bql_…"}`: a missing or bad one closes the
 * socket with 4403 (and counts as a failed authentication of the client's address, like a 401).
 * Every subscribe runs through yoga's envelop — the same parser limits, validation, context,
 * bearer authentication (so a token revoked since connection_init is refused), error masking and
 * request log as over HTTP — with a request of its own whose signal ends the subscription.
 * Only subscriptions are served here: queries and mutations go over HTTP.
 */

/** What of a gateway (server.ts) serving GraphQL over WebSocket takes. */
export interface WebSocketGateway {
  yoga: YogaServerInstance<Record<string, never>, ContextAdditions>;
  tokens: RequestAuthenticator['tokens'];
  failures: RequestAuthenticator['failures'];
  /** The gateway's error mask: errors refused before execution read like every other error. */
  maskError: (error: unknown) => GraphQLError;
  config: {
    /** trustProxy; corsOrigins: browser pages of other origins allowed to connect; limits.maxRequestBytes: the largest message. */
    server: { trustProxy: boolean; corsOrigins: readonly string[]; limits: { maxRequestBytes: number } };
    streams: { maxSubscriptionsPerSocket: number };
  };
}

interface SocketState {
  authorization: string;
  /** The abort of each running subscription, by the client's id for it. */
  running: Map<string, AbortController>;
}

type Extra = { socket: WebSocket; request: IncomingMessage };

export interface GraphQLWebSocketServer {
  /** Sockets open now. */
  readonly sockets: number;
  close(): Promise<void>;
}

export function serveGraphQLOverWebSocket(server: Server, gateway: WebSocketGateway): GraphQLWebSocketServer {
  const { yoga, config } = gateway;
  const endpoint = yoga.graphqlEndpoint;
  const authenticator: RequestAuthenticator = { tokens: gateway.tokens, failures: gateway.failures, trustProxy: config.server.trustProxy };
  const maxSubscriptionsPerSocket = config.streams.maxSubscriptionsPerSocket;
  const websockets = new WebSocketServer({ noServer: true, maxPayload: config.server.limits.maxRequestBytes });
  const states = new WeakMap<Context<Record<string, unknown>, Extra>, SocketState>();
  const enveloped = new WeakMap<ExecutionArgs, ReturnType<typeof yoga.getEnveloped>>();

  const onUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://brokerql').pathname !== endpoint) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    // WebSockets know no CORS: a page of another origin is refused here, as its fetches are by CORS.
    if (!originAllowed(request, config.server.corsOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    websockets.handleUpgrade(request, socket, head, (websocket) => websockets.emit('connection', websocket, request));
  };
  server.on('upgrade', onUpgrade);

  const refuse = (error: unknown) => [withoutInternals(gateway.maskError(error))];

  const disposable = useServer<Record<string, unknown>, Extra>(
    {
      // Never a stack trace or an internal message in a close reason.
      isProd: true,
      onConnect(context) {
        // `authorization` as the contract writes it; `Authorization` as many clients copy it from HTTP.
        const params = context.connectionParams ?? {};
        const given = params['authorization'] ?? params['Authorization'];
        const header = typeof given === 'string' ? given : '';
        const secret = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
        const request = new Request(`http://brokerql${endpoint}`, { headers: forwardedHeaders(context.extra.request) });
        const result = authenticateRequest(authenticator, request, { req: context.extra.request }, secret);
        if (!('viewer' in result)) return false;
        states.set(context, { authorization: header, running: new Map() });
        return true;
      },
      async onSubscribe(context, id, payload) {
        const state = states.get(context);
        if (!state) return refuse(new BadUserInputError('the connection is not initialised'));
        if (state.running.size >= maxSubscriptionsPerSocket) {
          return refuse(new RateLimitedError(`one WebSocket holds at most ${maxSubscriptionsPerSocket} subscriptions (streams.maxSubscriptionsPerSocket)`));
        }
        const abort = new AbortController();
        const headers = forwardedHeaders(context.extra.request);
        headers.set('authorization', state.authorization);
        const request = new Request(`http://brokerql${endpoint}`, { method: 'POST', headers, signal: abort.signal });
        const tools = yoga.getEnveloped({ request, params: payload, req: context.extra.request });
        try {
          const document = tools.parse(payload.query);
          const errors = tools.validate(tools.schema, document);
          if (errors.length > 0) return errors.map((error: unknown) => withoutInternals(gateway.maskError(error)));
          if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
            return refuse(new BadUserInputError('only subscriptions are served over WebSocket; send queries and mutations to POST /graphql'));
          }
          const args: ExecutionArgs = {
            schema: tools.schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: await tools.contextFactory(),
          };
          enveloped.set(args, tools);
          state.running.set(id, abort);
          return args;
        } catch (error) {
          // The parser's limits, authentication (a token revoked since connection_init), …
          return refuse(error);
        }
      },
      subscribe: (args) => enveloped.get(args)!.subscribe(args),
      execute: (args) => enveloped.get(args)!.execute(args),
      onNext: (_context, _id, _payload, _args, result) => formatResult(result),
      onComplete(context, id) {
        const running = states.get(context)?.running;
        running?.get(id)?.abort();
        running?.delete(id);
      },
      onClose(context) {
        for (const abort of states.get(context)?.running.values() ?? []) abort.abort();
      },
    },
    websockets,
  );

  return {
    get sockets() {
      return websockets.clients.size;
    },
    async close() {
      server.off('upgrade', onUpgrade);
      await disposable.dispose();
    },
  };
}

/**
 * A browser says which page opens a WebSocket (`Origin`); other clients say nothing and are let
 * through. A page is allowed from the gateway's own origin (GraphiQL) or one in server.corsOrigins.
 */
function originAllowed(request: IncomingMessage, corsOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (corsOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** What authentication may read of the upgrade request (X-Forwarded-For behind a trusted proxy); never its cookies. */
function forwardedHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  const forwarded = request.headers['x-forwarded-for'];
  if (typeof forwarded === 'string') headers.set('x-forwarded-for', forwarded);
  return headers;
}

/** `extensions.http` tells yoga an HTTP status; over a WebSocket there is none to set. */
function withoutInternals(error: GraphQLError): GraphQLError {
  if (!error.extensions?.['http']) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
}

function formatResult(result: ExecutionResult): FormattedExecutionResult {
  const { errors, ...rest } = result;
  return errors ? { ...rest, errors: errors.map((error) => withoutInternals(error).toJSON()) } : rest;
}
