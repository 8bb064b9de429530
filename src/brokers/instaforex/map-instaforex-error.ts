import { RateLimitedError, UpstreamAuthError, UpstreamUnavailableError, type BrokerqlError } from '../../errors.js';
import { retryAfterSeconds, type UpstreamResponse } from '../http.js';
import { failureOptions, mapUpstreamFailure, type BrokerErrorTable, type ErrorFactory } from '../upstream-errors.js';

/**
 * InstaForex's errors are ASP.NET Web API's defaults (§5), e.g.
 *   401 {"Message":"Authorization has been denied for this request."}
 *   404 {"Message":"No HTTP resource was found that matches the request URI 'https://client-api…/client/…/2100123'."}
 *   500 {"Message":"An error has occurred."}
 *   503 an IIS HTML page
 * Their texts say nothing the status does not (and the 404 one repeats the upstream URL), so
 * messages are built from the status and what brokerql asked for (the failure's `subject`),
 * never from the body. 408, 504 and other statuses take the shared rows (upstream-errors.ts).
 */

/** How messages name the broker; its definition (index.ts) names it so everywhere else. */
export const instaforexLabel = 'InstaForex';

export interface InstaforexCall {
  connection: string;
  login: string;
  /** What was asked for, as the user configured it: `paths.balance ("client/RequestBalanceInformation/{login}")`. */
  target: string;
}

const wrongPath: ErrorFactory = (failure) =>
  new UpstreamUnavailableError(
    `InstaForex has no method at ${failure.subject} (HTTP ${failure.status}): the configured path may be wrong; ` +
      `compare it and baseUrl with the method list on your Client Cabinet's API page (connection "${failure.connection}")`,
    { ...failureOptions(failure), retryable: false },
  );

/** The rows for one login (its refusals name it). */
export function instaforexErrors(login: string): BrokerErrorTable {
  /** Only reached when a fresh passkey was refused too (the client logs in again once first). */
  const denied: ErrorFactory = (failure) =>
    new UpstreamAuthError(
      `InstaForex refused a fresh passkey of login ${login} for ${failure.subject} (HTTP ${failure.status}): ` +
        `check that the Client Cabinet allows API access for this account and, if it limits access by IP mask, ` +
        `that this machine's address is in it (connection "${failure.connection}")`,
      failureOptions(failure),
    );
  return {
    // Never read: see above.
    readBody: () => ({}),
    byStatus: {
      400: (failure) =>
        new UpstreamUnavailableError(
          `InstaForex refused the request for ${failure.subject} as invalid (HTTP 400): the configured path may not match the method ` +
            `(connection "${failure.connection}")`,
          { ...failureOptions(failure), retryable: false },
        ),
      401: denied,
      403: denied,
      404: wrongPath,
      // The path names a method, but one that does not answer GET: a path meant for another call.
      405: wrongPath,
      429: (failure) =>
        new RateLimitedError(`InstaForex is limiting requests (${failure.subject})`, {
          ...failureOptions(failure),
          retryAfterSeconds: retryAfterSeconds(failure.response),
        }),
    },
  };
}

export function mapInstaforexError(response: UpstreamResponse, call: InstaforexCall): BrokerqlError {
  return mapUpstreamFailure(response, { label: instaforexLabel, connection: call.connection, subject: call.target }, instaforexErrors(call.login));
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
