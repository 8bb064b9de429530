import { execute as graphqlExecute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export type ExecuteOperation = (args: ExecutionArgs) => ExecutionResult | Promise<ExecutionResult>;

export interface SpecExecutionOptions {
  /** What executes operations; graphql-js's own `execute` unless set. */
  execute?: ExecuteOperation;
}

/**
 * Every operation — queries and mutations alike — is executed by graphql-js, the reference
 * implementation of the GraphQL spec: serial mutation fields that stop at the first one whose
 * error nulls the root, errors that null the nearest nullable parent and are reported once,
 * variable coercion errors worded and located as the spec's algorithms say.
 *
 * Why not something faster: graphql-jit (used here before) kept executing serial mutation fields
 * after a non-null error, so `mutation { a: placeOrder(…bad…) b: placeOrder(…) }` answered
 * `data: null` while `b` was placed at the broker, and a client that retried placed it twice; its
 * field errors also carried no locations and every error inside a nulled subtree was reported.
 * yoga's default (@graphql-tools/executor) is a fork of graphql-js. The differential test
 * (test/spec-execution.test.ts) runs a corpus through this gateway and through graphql-js and
 * requires identical answers and broker calls; a faster executor has to pass it first.
 */
export function useSpecExecution({ execute = graphqlExecute }: SpecExecutionOptions = {}): Plugin {
  return {
    onExecute({ setExecuteFn }) {
      setExecuteFn(execute as Parameters<typeof setExecuteFn>[0]);
    },
  };
}
