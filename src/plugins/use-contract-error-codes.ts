import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { clientCode, contractCode, extensionsRecord, rebuildGraphQLError } from '../client-errors.js';

/**
 * Every error a client sees carries one of the contract's codes. Errors from brokerql's own
 * tree are already mapped by the error mask; this catches the ones GraphQL and yoga produce
 * before execution (syntax, validation, a malformed request), and gives them the code
 * `clientCode` (errors.ts) decides. Errors of any shape are accepted: no extensions, extensions
 * that are not an object, no message.
 */
export function useContractErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(withContractCodes));
      else if (!(Symbol.asyncIterator in result)) setResult(withContractCodes(result as ExecutionResult));
    },
  };
}

function withContractCodes(result: ExecutionResult): ExecutionResult {
  if (!Array.isArray(result.errors) || result.errors.every((error) => contractCode(error))) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      if (contractCode(error)) return error;
      const message = typeof error?.message === 'string' ? error.message : 'Unexpected error.';
      return rebuildGraphQLError(error ?? undefined, message, { ...extensionsRecord(error), code: clientCode(error) });
    }),
  };
}
