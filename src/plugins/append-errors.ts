import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

/**
 * A plugin that adds errors to a finished execution's result: the ones `collect` finds in the
 * request's context once every field has resolved (none: the result stays as it is). Streams
 * (subscriptions) are left alone.
 */
export function appendErrors(collect: (context: GatewayContext) => GraphQLError[]): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const added = collect(context);
          if (added.length > 0) setResult({ ...result, errors: [...(result.errors ?? []), ...added] });
        },
      };
    },
  };
}
