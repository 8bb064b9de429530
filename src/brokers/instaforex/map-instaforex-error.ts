import {
  RateLimitedError,
  UpstreamAuthError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type BrokerqlError,
} from '../../errors.js';
import { retryAfterSeconds, type UpstreamResponse } from '../http.js';

/**
 * InstaForex's errors are ASP.NET Web API's defaults (§5), e.g.
 *   401 {"Message":"Authorization has been denied for this request."}
 *   404 {"Message":"No HTTP resource was found that matches the request URI 'https://client-api…/client/…/2100123'."}
 *   500 {"Message":"An error has occurred."}
 *   503 an IIS HTML page
 * Their texts say nothing the status does not (and the 404 one repeats the upstream URL), so
 * messages are built from the status and what brokerql asked for, never from the body.
 */

export interface InstaforexCall {
  connection: string;
  login: string;
  /** What was asked for, as the user configured it: `paths.balance ("client/RequestBalanceInformation/{login}")`. */
  target: string;
}

type ErrorFactory = (call: InstaforexCall, response: UpstreamResponse) => BrokerqlError;

const wrongPath: ErrorFactory = (call, response) =>
  new UpstreamUnavailableError(
    `InstaForex has no method at ${call.target} (HTTP ${response.status}): the configured path may be wrong; ` +
      `compare it and baseUrl with the method list on your Client Cabinet's API page (connection "${call.connection}")`,
    { connection: call.connection, status: response.status, retryable: false },
  );

const timedOut: ErrorFactory = (call, response) =>
  new UpstreamTimeoutError(`InstaForex timed out handling ${call.target}`, { connection: call.connection, status: response.status });

/** Only reached when a fresh passkey was refused too (the client logs in again once first). */
const denied: ErrorFactory = (call, response) =>
  new UpstreamAuthError(
    `InstaForex refused a fresh passkey of login ${call.login} for ${call.target} (HTTP ${response.status}): ` +
      `check that the Client Cabinet allows API access for this account and, if it limits access by IP mask, ` +
      `that this machine's address is in it (connection "${call.connection}")`,
    { connection: call.connection, status: response.status },
  );

const byStatus: Record<number, ErrorFactory> = {
  400: (call, response) =>
    new UpstreamUnavailableError(
      `InstaForex refused the request for ${call.target} as invalid (HTTP 400): the configured path may not match the method ` +
        `(connection "${call.connection}")`,
      { connection: call.connection, status: response.status, retryable: false },
    ),
  401: denied,
  403: denied,
  404: wrongPath,
  // The path names a method, but one that does not answer GET: a path meant for another call.
  405: wrongPath,
  408: timedOut,
  429: (call, response) =>
    new RateLimitedError(`InstaForex is limiting requests (${call.target})`, {
      connection: call.connection,
      status: response.status,
      retryAfterSeconds: retryAfterSeconds(response),
    }),
  504: timedOut,
};

export function mapInstaforexError(response: UpstreamResponse, call: InstaforexCall): BrokerqlError {
  const factory = byStatus[response.status];
  if (factory) return factory(call, response);
  return new UpstreamUnavailableError(`InstaForex answered HTTP ${response.status} to ${call.target}`, {
    connection: call.connection,
    status: response.status,
  });
}

/** The token method refused the login and password: 401/403, or 200 with `null` or nothing (§2). */
export function badCredentials(call: Omit<InstaforexCall, 'target'>, status: number): UpstreamAuthError {
  return new UpstreamAuthError(
    `InstaForex refused login ${call.login} with the configured password (connection "${call.connection}"): ` +
      `the password must be the API password set in the Client Cabinet, not the MT4 trading password; ` +
      `also check that API access is enabled and, if it is limited by IP mask, that this machine's address is in it`,
    { connection: call.connection, status },
  );
}
