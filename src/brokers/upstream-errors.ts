import {
  NotFoundError,
  RateLimitedError,
  UpstreamAuthError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type BrokerqlError,
} from '../errors.js';
import { retryAfterSeconds, type UpstreamResponse } from './http.js';

/**
 * The error tables of every broker share one shape: a failed upstream answer, read once into an
 * `UpstreamFailure`, goes through the broker's rows (by the code its body carries, then by HTTP
 * status) and then through the base rows below, which every broker answers the same way unless
 * it overrides them. Each broker keeps its own rows and body reader in
 * `src/brokers/<broker>/map-<broker>-error.ts`.
 */

export interface UpstreamFailure {
  /** The broker's human label: "T-Invest". */
  label: string;
  connection: string;
  status: number;
  response: UpstreamResponse;
  /** The broker's own words from its error body; 'no error details' when it had none. */
  message: string;
  /** The broker's error code or number from its body ('' when none): decides before the status does. */
  code: string;
  /** What was asked for, for messages: "security MOEX:SBER", `paths.balance ("client/…")`. */
  subject?: string | undefined;
}

/** The one signature of every row of every broker's error table. */
export type ErrorFactory = (failure: UpstreamFailure) => BrokerqlError;

export interface BrokerErrorTable {
  /** The broker's words and code from an error body; `undefined` parts when the body has none. */
  readBody(text: string): { message?: string | undefined; code?: string | undefined };
  /** Rows chosen by the body's code, whatever the status (T-Invest's 30057, ALOR's CommandResponseTimeout). */
  byCode?: ((failure: UpstreamFailure) => ErrorFactory | undefined) | undefined;
  /** The broker's own rows by HTTP status; a status not here takes the base row. */
  byStatus: Partial<Record<number, ErrorFactory>>;
}

/** The context a row's error carries. */
export const failureOptions = ({ connection, status }: UpstreamFailure) => ({ connection, status });

const timedOut: ErrorFactory = (failure) =>
  new UpstreamTimeoutError(`${failure.label} timed out handling ${failure.subject ?? 'the request'}`, failureOptions(failure));

/** The rows every broker shares unless it says otherwise. */
export const baseErrorRows: Record<401 | 403 | 404 | 408 | 429 | 504, ErrorFactory> = {
  401: (failure) =>
    new UpstreamAuthError(`${failure.label} refused the credential of connection "${failure.connection}"; check it in the config`, failureOptions(failure)),
  403: (failure) =>
    new UpstreamAuthError(`${failure.label} denied connection "${failure.connection}" access to this request (HTTP 403)`, failureOptions(failure)),
  404: (failure) => new NotFoundError(`${failure.label} does not know ${failure.subject ?? 'the requested resource'}`, failureOptions(failure)),
  408: timedOut,
  429: (failure) =>
    new RateLimitedError(`${failure.label} request limit reached for this token`, {
      ...failureOptions(failure),
      retryAfterSeconds: retryAfterSeconds(failure.response),
    }),
  504: timedOut,
};

/** Any other status (5xx, an unexpected 3xx or 4xx): the broker did not answer usefully. */
const otherStatus: ErrorFactory = (failure) =>
  new UpstreamUnavailableError(`${failure.label} answered HTTP ${failure.status}${failure.subject ? ` for ${failure.subject}` : ''}`, failureOptions(failure));

export interface FailureSource {
  label: string;
  connection: string;
  subject?: string | undefined;
}

/** Reads a non-2xx answer with the broker's body reader and turns it into its typed error. */
export function mapUpstreamFailure(response: UpstreamResponse, source: FailureSource, table: BrokerErrorTable): BrokerqlError {
  const body = table.readBody(response.text);
  const failure: UpstreamFailure = {
    ...source,
    status: response.status,
    response,
    message: body.message || 'no error details',
    code: body.code ?? '',
  };
  const factory =
    table.byCode?.(failure) ?? table.byStatus[failure.status] ?? baseErrorRows[failure.status as keyof typeof baseErrorRows] ?? otherStatus;
  return factory(failure);
}
