import { UpstreamAuthError } from '../../errors.js';
import type { SecretRegistry } from '../../secrets.js';
import type { UpstreamClient, UpstreamResponse } from '../http.js';
import { RenewableCredential } from '../renewable-credential.js';
import { readAnswer, unreadableAnswer, type AnswerReading } from '../upstream-answer.js';
import { readAccessToken, type AccessToken } from './access-token.js';
import { alorErrors, alorLabel } from './map-alor-error.js';
import { alorRoutes } from './routes.js';
import { refreshResponseSchema } from './wire.js';

/**
 * Holds the connection's current ALOR access token and fetches the next one — before the current
 * one expires, or when ALOR refused it — with `POST {authUrl}/refresh?token=<refresh token>`,
 * as a renewable credential (renewable-credential.ts): one /refresh for every request waiting,
 * and while ALOR's auth host fails for a passing reason, the current token until it really expires.
 */
export class TokenKeeper {
  private readonly credential: RenewableCredential<AccessToken>;

  constructor(
    private readonly auth: UpstreamClient,
    private readonly refreshToken: string,
    private readonly secrets: SecretRegistry,
    private readonly now: () => number = Date.now,
  ) {
    secrets.add(refreshToken);
    this.credential = new RenewableCredential({
      obtain: () => this.fetchToken(),
      isFresh: (token) => this.now() < token.refreshAt,
      stillValid: (token) => this.now() < token.expiresAt,
    });
  }

  /** A token fit to send now. */
  current(): Promise<AccessToken> {
    return this.credential.current();
  }

  /** The token to retry with after ALOR answered 401 to `rejected`. */
  replace(rejected: AccessToken): Promise<AccessToken> {
    return this.credential.replace(rejected);
  }

  /** Sends with the current token, and once more with a new one when ALOR answers 401. */
  send(request: (token: AccessToken) => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    return this.credential.send(request, (response) => response.status === 401);
  }

  private async fetchToken(): Promise<AccessToken> {
    const connection = this.auth.connection;
    const response = await this.auth.send({
      method: 'POST',
      path: '/refresh',
      query: { token: this.refreshToken },
      route: alorRoutes.refresh,
      purpose: 'authentication',
      // Asking for another token again is harmless, and every waiting request needs it, orders included.
      retryable: true,
      priority: 'order',
    });
    if (response.status === 401 || response.status === 403) {
      throw new UpstreamAuthError(
        `ALOR refused the refresh token of connection "${connection}" (invalid, expired or revoked): issue a new refresh token in ALOR's developer portal (alor.dev → API tokens) and set it as refreshToken in the config`,
        { connection, status: response.status },
      );
    }
    const reading: AnswerReading<typeof refreshResponseSchema> = {
      label: alorLabel,
      connection,
      what: 'the token refresh',
      subject: 'the token refresh endpoint',
      errors: alorErrors,
      schema: refreshResponseSchema,
    };
    const { AccessToken: value } = readAnswer(response, reading);
    this.secrets.addRotating(this, value);
    const token = readAccessToken(value, this.now());
    if (!token) throw unreadableAnswer(reading, response.status, 'an access token brokerql cannot read');
    return token;
  }
}
