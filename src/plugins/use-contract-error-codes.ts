import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { errorCodes, rebuildGraphQLError } from '../errors.js';

/**
 * Every error a client sees carries one of the contract's codes. Errors from brokerql's own
 * tree are already mapped by the error mask; this catches the ones GraphQL and yoga produce
 * before execution (syntax, validation, a malformed request), which are the client's input.
 */
export function useContractErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(withContractCodes));
      else if (!(Symbol.asyncIterator in result)) setResult(withContractCodes(result as ExecutionResult));
    },
  };
}

const contractCodes: ReadonlySet<unknown> = new Set(errorCodes);

function withContractCodes(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => !contractCodes.has(error.extensions?.['code']))) return result;
  return {
    ...result,
    errors: result.errors.map((error) =>
      contractCodes.has(error.extensions?.['code'])
        ? error
        : rebuildGraphQLError(error, error.message, {
            ...error.extensions,
            // yoga's own failures stay failures; everything else it rejects is the request's fault.
            code: error.extensions?.['code'] === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL' : 'BAD_USER_INPUT',
          }),
    ),
  };
}
