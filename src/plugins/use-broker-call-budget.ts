import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import { BadUserInputError } from '../errors.js';
import { appendErrors } from './append-errors.js';

export interface BrokerCallBudgetOptions {
  /** server.limits.maxBrokerCallsPerRequest */
  maxBrokerCallsPerRequest: number;
  /** The gateway's error mask, so the summary reads like any other error. */
  maskError: (error: unknown) => GraphQLError;
}

/**
 * One request may make at most `maxBrokerCallsPerRequest` broker calls (a retry counts, a call
 * shared with another request or answered from a cache does not). The context factory puts the
 * limit in the request scope and the transport refuses every call past it (request-scope.ts), so the fields it would have fed are null with an error while
 * the fields already read keep their data; once the request is done, one more error says how many
 * calls it needed at least. A query of thirty aliased operation lists would otherwise hold a
 * connection's broker budget for many seconds.
 */
export function useBrokerCallBudget({ maxBrokerCallsPerRequest, maskError }: BrokerCallBudgetOptions): Plugin<GatewayContext> {
  return appendErrors((context) => {
    const refused = context.scope?.refusedBrokerCalls ?? 0;
    if (refused === 0) return [];
    const made = context.scope.brokerCalls;
    return [
      maskError(
        new BadUserInputError(
          `this request needed at least ${made + refused} broker calls; one request may make ${maxBrokerCallsPerRequest} (server.limits.maxBrokerCallsPerRequest). ${made} were made and the fields they fed are answered; ${refused} were refused and their fields are null`,
        ),
      ),
    ];
  });
}
