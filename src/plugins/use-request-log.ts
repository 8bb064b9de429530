import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from '../metrics.js';

export interface RequestLogOptions {
  logger: Logger;
  metrics: GatewayMetrics;
  graphqlEndpoint: string;
}

interface RequestRecord {
  started: number;
  operations: string[];
  tokenId: string | undefined;
  brokerCalls: number;
  errorCodes: string[];
  scopes: Array<GatewayContext['scope']>;
  /** Set for a subscription: over SSE it came as an HTTP request, over WebSocket without one. */
  subscription?: { transport: 'sse' | 'websocket'; events: number };
}

/** Client-chosen operation names become metric labels only within reason. */
const maximumOperationLabels = 200;

/**
 * One structured line per GraphQL request — operation, token id (never the secret), HTTP
 * status, duration, broker calls and error codes — and the matching request metrics. A
 * subscription is a request that lasts: its line is written when it ends (how long it ran, how
 * many events it delivered, the code of the error that ended it, if one did), and it is counted
 * in the request metrics then; over SSE its HTTP response has a line of its own as it starts.
 */
export function useRequestLog({ logger, metrics, graphqlEndpoint }: RequestLogOptions): Plugin<GatewayContext> {
  const records = new WeakMap<Request, RequestRecord>();
  const knownOperations = new Set<string>();

  const label = (name: string) => {
    const clean = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'invalid';
    if (knownOperations.has(clean) || knownOperations.size < maximumOperationLabels) {
      knownOperations.add(clean);
      return clean;
    }
    return 'other';
  };
  const collectErrors = (record: RequestRecord, result: ExecutionResult) => {
    for (const error of result.errors ?? []) {
      const code = error.extensions?.['code'];
      if (typeof code === 'string' && !record.errorCodes.includes(code)) record.errorCodes.push(code);
    }
  };
  const observe = (context: GatewayContext, document: DocumentNode, operationName: string | null | undefined): RequestRecord | undefined => {
    const record = records.get(context.request);
    if (!record) return undefined;
    const operation = getOperationAST(document, operationName);
    record.operations.push(operation?.name?.value ?? 'anonymous');
    record.tokenId = context.viewer?.tokenId;
    record.scopes.push(context.scope);
    return record;
  };
  const subscriptionEnded = (record: RequestRecord) => {
    const seconds = (performance.now() - record.started) / 1000;
    const operation = record.operations.join(',') || 'none';
    logger.info(
      {
        operation,
        tokenId: record.tokenId,
        transport: record.subscription?.transport,
        durationMs: Math.round(seconds * 10_000) / 10,
        events: record.subscription?.events,
        errorCodes: record.errorCodes.length > 0 ? record.errorCodes : undefined,
      },
      'graphql subscription ended',
    );
    metrics.graphqlRequests.inc({ operation: label(record.operations[0] ?? 'none'), outcome: record.errorCodes[0] ?? 'ok' });
  };

  return {
    onRequest({ request, url }) {
      if (url.pathname !== graphqlEndpoint) return;
      // A browser opening GraphiQL is a page load, not a GraphQL request.
      if (request.method === 'GET' && request.headers.get('accept')?.includes('text/html')) return;
      records.set(request, { started: performance.now(), operations: [], tokenId: undefined, brokerCalls: 0, errorCodes: [], scopes: [] });
    },
    onExecute({ args }) {
      observe(args.contextValue as GatewayContext, args.document, args.operationName);
    },
    onSubscribe({ args }) {
      const context = args.contextValue as GatewayContext;
      // Over WebSocket there was no HTTP request to start a record: the subscription starts it.
      const overWebSocket = !records.has(context.request);
      if (overWebSocket) records.set(context.request, { started: performance.now(), operations: [], tokenId: undefined, brokerCalls: 0, errorCodes: [], scopes: [] });
      const record = observe(context, args.document, args.operationName)!;
      record.subscription = { transport: overWebSocket ? 'websocket' : 'sse', events: 0 };
      const subscription = record.subscription;
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) {
            // Refused before its first event: over SSE the HTTP response's line says so.
            collectErrors(record, result);
            if (overWebSocket) subscriptionEnded(record);
            return undefined;
          }
          return {
            onNext({ result: event }) {
              subscription.events += 1;
              collectErrors(record, event);
            },
            onEnd: () => subscriptionEnded(record),
          };
        },
      };
    },
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (!record) return;
      const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
      for (const single of results) collectErrors(record, single);
    },
    onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      // A subscription that got its stream is logged and counted again when it ends; its start says nothing of its outcome.
      const started = record.subscription !== undefined && record.errorCodes.length === 0 && response.headers.get('content-type')?.startsWith('text/event-stream') === true;
      if (!started) records.delete(request);
      const seconds = (performance.now() - record.started) / 1000;
      const brokerCalls = record.scopes.reduce((sum, scope) => sum + (scope?.brokerCalls ?? 0), 0);
      const operation = record.operations.length > 0 ? record.operations.join(',') : 'none';
      logger.info(
        {
          operation,
          tokenId: record.tokenId,
          status: response.status,
          durationMs: Math.round(seconds * 10_000) / 10,
          brokerCalls,
          errorCodes: record.errorCodes.length > 0 ? record.errorCodes : undefined,
        },
        started ? 'graphql subscription started' : 'graphql request',
      );
      if (started) return;
      const operationLabel = label(record.operations[0] ?? 'none');
      metrics.graphqlRequests.inc({ operation: operationLabel, outcome: record.errorCodes[0] ?? 'ok' });
      metrics.graphqlDuration.observe({ operation: operationLabel }, seconds);
    },
  };
}
