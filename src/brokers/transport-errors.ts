import { errors as undiciErrors } from 'undici';
import { UpstreamTimeoutError, UpstreamUnavailableError, UpstreamUnreachableError, type BrokerqlError } from '../errors.js';

/**
 * A failed HTTP exchange (no answer arrived) as a brokerql error whose message names the broker,
 * never the URL (which could carry a secret in its query). Whether the request can have reached
 * the broker is part of the error: an order that failed before it left was not placed.
 */

export interface TransportContext {
  connection: string;
  brokerLabel: string;
  /** A timer of the caller's own fired (an exchange's own timer rejects with a TimeoutError, which says so already). */
  deadlinePassed?: boolean | undefined;
  timeoutMilliseconds: number;
}

export function transportError(error: unknown, { connection, brokerLabel, deadlinePassed, timeoutMilliseconds }: TransportContext): BrokerqlError {
  const seconds = Math.round(timeoutMilliseconds / 100) / 10;
  if (
    deadlinePassed ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    (error instanceof Error && error.name === 'TimeoutError')
  ) {
    return new UpstreamTimeoutError(`${brokerLabel} did not answer within ${seconds}s`, { connection, cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamTimeoutError(`${brokerLabel} did not accept a connection in time`, {
      connection,
      cause: error,
      mayHaveReachedBroker: false,
    });
  }
  const code = networkErrorCode(error);
  // Refused or unknown host: the request never left this machine.
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UpstreamUnreachableError(`${brokerLabel} is unreachable (${describeNetworkError(code)})`, { connection, cause: error });
  }
  return new UpstreamUnavailableError(`${brokerLabel} is unreachable (${describeNetworkError(code)})`, { connection, cause: error });
}

function networkErrorCode(error: unknown): unknown {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  return candidate?.code ?? candidate?.cause?.code;
}

function describeNetworkError(code: unknown): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return 'response too large';
    case 'UND_ERR_ABORTED':
      return 'request aborted';
    default:
      return typeof code === 'string' ? code : 'network error';
  }
}
