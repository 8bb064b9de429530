import { getOperationAST, type ExecutionResult } from 'graphql';
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
}

/** Client-chosen operation names become metric labels only within reason. */
const maximumOperationLabels = 200;

/**
 * One structured line per GraphQL request — operation, token id (never the secret), HTTP
 * status, duration, broker calls and error codes — and the matching request metrics.
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

  return {
    onRequest({ request, url }) {
      if (url.pathname !== graphqlEndpoint) return;
      // A browser opening GraphiQL is a page load, not a GraphQL request.
      if (request.method === 'GET' && request.headers.get('accept')?.includes('text/html')) return;
      records.set(request, { started: performance.now(), operations: [], tokenId: undefined, brokerCalls: 0, errorCodes: [], scopes: [] });
    },
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext;
      const record = records.get(context.request);
      if (!record) return;
      const operation = getOperationAST(args.document, args.operationName);
      record.operations.push(operation?.name?.value ?? 'anonymous');
      record.tokenId = context.viewer?.tokenId;
      record.scopes.push(context.scope);
    },
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (!record) return;
      const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
      for (const single of results) {
        for (const error of single.errors ?? []) {
          const code = error.extensions?.['code'];
          if (typeof code === 'string' && !record.errorCodes.includes(code)) record.errorCodes.push(code);
        }
      }
    },
    onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      records.delete(request);
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
        'graphql request',
      );
      const operationLabel = label(record.operations[0] ?? 'none');
      metrics.graphqlRequests.inc({ operation: operationLabel, outcome: record.errorCodes[0] ?? 'ok' });
      metrics.graphqlDuration.observe({ operation: operationLabel }, seconds);
    },
  };
}
