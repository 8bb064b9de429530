import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import { appendErrors } from './append-errors.js';

export interface PartialErrorsOptions {
  /** The gateway's error mask, so partial errors read exactly like any other error. */
  maskError: (error: unknown) => GraphQLError;
}

/**
 * Adds the errors collected in `context.partialErrors` (a connection that failed while the
 * others answered) to the execution result, each with the path of the field it belongs to.
 */
export function usePartialErrors({ maskError }: PartialErrorsOptions): Plugin<GatewayContext> {
  return appendErrors((context) =>
    (context.partialErrors?.items ?? []).map(({ error, path }) => {
      const masked = maskError(error);
      return new GraphQLError(masked.message, { path, extensions: masked.extensions });
    }),
  );
}
