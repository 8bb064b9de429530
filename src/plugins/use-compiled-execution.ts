import { GraphQLError, Kind, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { shortenEchoedValue } from '../errors.js';

/**
 * Executes queries with graphql-jit: each document is compiled once into plain JavaScript, then
 * run for every request that sends it. A statistics query completes ~10,000 fields; the standard
 * executor builds a resolve-info object and a promise check for each, which made GraphQL the
 * gateway's largest CPU and allocation cost (see bench/README.md). Statistics services send the
 * same documents again and again, which is what compilation pays off on.
 *
 * Compiled queries are kept beside yoga's parsed-document cache (a WeakMap on the document), so
 * they are dropped with it.
 */
export function useCompiledExecution(): Plugin {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>();

  const compile = (args: ExecutionArgs): CompiledQuery | ExecutionResult => {
    let byOperation = compiled.get(args.document);
    if (!byOperation) compiled.set(args.document, (byOperation = new Map()));
    const operationName = args.operationName ?? '';
    let entry = byOperation.get(operationName);
    if (!entry) {
      // Correct @skip/@include inside fragment spreads; graphql-jit keeps the older behaviour as its default.
      entry = compileQuery(args.schema, args.document, args.operationName ?? undefined, { useExperimentalPathBasedSkipInclude: true });
      byOperation.set(operationName, entry);
    }
    return entry;
  };

  const execute = async (args: ExecutionArgs): Promise<ExecutionResult> => {
    const entry = compile(args);
    if (!isCompiledQuery(entry)) return entry;
    const result = (await entry.query(args.rootValue, args.contextValue, args.variableValues ?? {})) as ExecutionResult;
    return result.errors ? { ...result, errors: result.errors.map((error) => withScalarReason(error, args.document, args.operationName)) } : result;
  };

  return {
    onExecute({ setExecuteFn }) {
      setExecuteFn(execute as Parameters<typeof setExecuteFn>[0]);
    },
  };
}

const rejectedVariable = /^(Variable "\$([^"]+)" got invalid value .*); Expected type [^;]+\.$/s;

/**
 * graphql-jit words a refused variable as "…; Expected type Decimal." and keeps the scalar's own
 * reason only as the original error; graphql-js puts the reason in the message, which is what a
 * client needs to see ("…; a Decimal must be sent as a string, not a JSON number").
 */
function withScalarReason(error: GraphQLError, document: DocumentNode, operationName: string | null | undefined): GraphQLError {
  const match = rejectedVariable.exec(error.message);
  if (!match || !error.originalError?.message) return error;
  // Located at the variable's definition, as graphql-js does. No originalError: this is the client's input, not a fault.
  return new GraphQLError(shortenEchoedValue(`${match[1]}; ${error.originalError.message}`, error.originalError.message), {
    nodes: variableDefinition(document, operationName, match[2]!),
    extensions: error.extensions,
  });
}

/** `$name` as the operation being run defines it. */
function variableDefinition(document: DocumentNode, operationName: string | null | undefined, name: string) {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    const found = definition.variableDefinitions?.find((variable) => variable.variable.name.value === name);
    if (found) return found;
  }
  return undefined;
}
