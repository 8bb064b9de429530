import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

export interface PartialErrorsOptions {
  /** The gateway's error mask, so partial errors read exactly like any other error. */
  maskError: (error: unknown) => GraphQLError;
}

/**
 * Adds the errors collected in `context.partialErrors` (a connection that failed while the
 * others answered) to the execution result, each with the path of the field it belongs to.
 */
export function usePartialErrors({ maskError }: PartialErrorsOptions): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext;
      return {
        onExecuteDone({ result, setResult }) {
          const collected = context.partialErrors?.items ?? [];
          if (collected.length === 0 || Symbol.asyncIterator in result) return;
          const added = collected.map(({ error, path }) => {
            const masked = maskError(error);
            return new GraphQLError(masked.message, { path, extensions: masked.extensions });
          });
          setResult({ ...result, errors: [...(result.errors ?? []), ...added] });
        },
      };
    },
  };
}
