import { GraphQLError } from 'graphql';
import { BrokerqlError, RiskLimitExceededError, errorCodes, type ErrorCode } from './errors.js';

/**
 * What a client sees of an error: the one mapping from anything thrown (errors.ts's tree,
 * GraphQL's own errors, anything unexpected) to the contract's codes and extensions. Used by the
 * error mask, the plugins, bearer authentication (through the mask), the v1 compat route and
 * `brokerql check`.
 */

/**
 * A GraphQL error that keeps where `error` happened (nodes, positions, path) with a new message
 * and extensions. Whatever shape `error` has (another copy of graphql, a hand-made object), only
 * well-formed parts are kept: building the client's answer must not fail on a malformed error.
 */
export function rebuildGraphQLError(error: GraphQLError | undefined, message: string, extensions: Record<string, unknown>): GraphQLError {
  const positions = Array.isArray(error?.positions) && error.source ? error.positions : undefined;
  return new GraphQLError(message, {
    nodes: Array.isArray(error?.nodes) ? error.nodes : undefined,
    source: positions ? error?.source : undefined,
    positions,
    path: Array.isArray(error?.path) ? error.path : undefined,
    extensions,
  });
}

/** An error's extensions as a record; absent or malformed extensions are none. */
export function extensionsRecord(error: unknown): Record<string, unknown> {
  const extensions = typeof error === 'object' && error !== null ? (error as { extensions?: unknown }).extensions : undefined;
  return typeof extensions === 'object' && extensions !== null && !Array.isArray(extensions) ? (extensions as Record<string, unknown>) : {};
}

/** The contract code an error already carries, if any. */
export function contractCode(error: unknown): ErrorCode | undefined {
  const code = extensionsRecord(error)['code'];
  return typeof code === 'string' && (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : undefined;
}

/**
 * The one mapping from anything thrown to the contract code a client sees. brokerql errors carry
 * theirs; GraphQL's own errors (syntax, validation, variable coercion, a malformed request, in
 * whatever shape a result holds them) are the client's input unless they already name a
 * contract code or say the server failed; any other exception is an unexpected failure.
 */
export function clientCode(error: unknown): ErrorCode {
  if (error instanceof BrokerqlError) return error.code;
  if (error instanceof Error && !isGraphQLError(error)) return 'INTERNAL';
  const code = contractCode(error);
  if (code) return code;
  return extensionsRecord(error)['code'] === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL' : 'BAD_USER_INPUT';
}

/** The extensions a client sees on a brokerql error. */
export function clientExtensions(error: BrokerqlError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.connection !== undefined) {
    extensions['connection'] = error.connection;
    extensions['retryable'] = error.retryable;
  }
  if (error.retryAfterSeconds !== undefined) extensions['retryAfterSeconds'] = error.retryAfterSeconds;
  if (error instanceof RiskLimitExceededError) Object.assign(extensions, { rule: error.rule, limit: error.limit, value: error.value, retryable: false });
  // Read by yoga for the response's status and headers, and not shown to the client.
  if (error.http) extensions['http'] = error.http;
  return extensions;
}

/**
 * The client-facing error mask (yoga `maskedErrors.maskError`): brokerql errors keep their code
 * and message; GraphQL's own errors get their code from `clientCode`; anything else is an
 * unexpected failure, reported to `onUnexpected` and shown as INTERNAL.
 */
export function createErrorMasker(redact: (text: string) => string, onUnexpected: (error: unknown) => void) {
  return (error: unknown): GraphQLError => {
    const graphQLError = isGraphQLError(error) ? error : undefined;
    const original = graphQLError ? innermostCause(graphQLError) : error;
    if (original instanceof BrokerqlError) {
      // Variable coercion wraps the scalar's error; the wrapper's message also names the variable.
      const message = graphQLError && graphQLError.message !== original.message ? shortenEchoedValue(graphQLError.message, original.message) : original.message;
      return rebuildGraphQLError(graphQLError, redact(String(message)), clientExtensions(original));
    }
    if (graphQLError && (original === graphQLError || isGraphQLError(original))) {
      // Only a real GraphQLError that already carries its code is passed on as it is: a look-alike may not serialize.
      if (contractCode(graphQLError) && graphQLError instanceof GraphQLError) return graphQLError;
      return rebuildGraphQLError(graphQLError, redact(String(graphQLError.message)), { ...extensionsRecord(graphQLError), code: clientCode(graphQLError) });
    }
    onUnexpected(original);
    return rebuildGraphQLError(graphQLError, 'Unexpected error.', { code: 'INTERNAL' });
  };
}

/** How much of the value graphql-js echoes into a coercion message is kept: a 90 KB price is not repeated back. */
const longestEcho = 60;
const echoPattern = /^((?:Variable "\$[^"]+" got invalid value|Expected value of type "[^"]+", found) )([\s\S]*?)((?: at "[^"]*")?; (?:Expected type "[^"]+"\. )?)$/;

/**
 * GraphQL executors write the whole offending value into a coercion error ("Variable "$price"
 * got invalid value "1000…0"; <the scalar's message>"); a long one is cut to a preview, as the
 * scalar's own message already quotes it.
 */
export function shortenEchoedValue(wrapper: string, message: string): string {
  if (!wrapper.endsWith(message)) return wrapper;
  const parts = echoPattern.exec(wrapper.slice(0, wrapper.length - message.length));
  if (!parts || parts[2]!.length <= longestEcho) return wrapper;
  return `${parts[1]}${parts[2]!.slice(0, longestEcho)}… (${parts[2]!.length} characters)${parts[3]}${message}`;
}

/**
 * What a GraphQL error wraps, through every layer: graphql-js wraps a scalar's error in a
 * GraphQLError ("Expected type …") and that again for the variable ("Variable "$x" got …").
 */
function innermostCause(error: GraphQLError): unknown {
  let cause: unknown = error.originalError ?? error;
  while (isGraphQLError(cause) && cause.originalError) cause = cause.originalError;
  return cause;
}

/** By name, not instanceof: a second copy of graphql (CJS beside ESM) must not turn user errors into INTERNAL. */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}
