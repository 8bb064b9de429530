import { BrokerqlError, UpstreamAuthError, UpstreamUnavailableError } from '../../errors.js';
import type { SecretRegistry } from '../../secrets.js';
import type { UpstreamClient } from '../http.js';
import { parseJsonExact } from '../json.js';
import { readAccessToken, type AccessToken } from './access-token.js';
import { mapAlorError } from './map-alor-error.js';
import { alorRoutes } from './routes.js';
import { refreshResponseSchema } from './wire.js';

/**
 * Holds the connection's current ALOR access token and fetches the next one — before the current
 * one expires, or when ALOR refused it — with `POST {authUrl}/refresh?token=<refresh token>`.
 * Fetching is single-flight: however many requests find the token stale at once, one /refresh is
 * sent and all of them wait for it. A failed refresh is not remembered: the next request tries again.
 */
export class TokenKeeper {
  private token: AccessToken | undefined;
  private refreshing: Promise<AccessToken> | undefined;

  constructor(
    private readonly auth: UpstreamClient,
    private readonly refreshToken: string,
    private readonly secrets: SecretRegistry,
    private readonly now: () => number = Date.now,
  ) {
    secrets.add(refreshToken);
  }

  /**
   * A token fit to send now. The early refresh leaves slack: when it fails for a passing reason
   * (ALOR's auth host down or busy), the current token is used until it really expires. A refused
   * refresh token is reported at once, so that the user learns of it before the access runs out.
   */
  async current(): Promise<AccessToken> {
    const token = this.token;
    if (token && this.now() < token.refreshAt) return token;
    try {
      return await this.refresh();
    } catch (error) {
      const passing = error instanceof BrokerqlError && error.retryable;
      if (passing && token && this.token === token && this.now() < token.expiresAt) return token;
      throw error;
    }
  }

  /**
   * The token to retry with after ALOR answered 401 to `rejected`. Every request that was refused
   * the same token shares one refresh; one that was refused an older token gets the newer one.
   */
  async replace(rejected: AccessToken): Promise<AccessToken> {
    if (this.token === rejected) this.token = undefined;
    return this.token ?? this.refresh();
  }

  private refresh(): Promise<AccessToken> {
    this.refreshing ??= this.fetchToken().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async fetchToken(): Promise<AccessToken> {
    const connection = this.auth.connection;
    // No caller's signal: the refresh is shared, and one caller going away must not fail the others.
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
    if (response.status < 200 || response.status > 299) throw mapAlorError(response, { connection, subject: 'the token refresh endpoint' });
    const token = this.readToken(response.text);
    this.token = token;
    return token;
  }

  private readToken(text: string): AccessToken {
    let token: AccessToken | undefined;
    try {
      const body = refreshResponseSchema.safeParse(parseJsonExact(text));
      if (body.success) {
        this.secrets.addRotating(this, body.data.AccessToken);
        token = readAccessToken(body.data.AccessToken, this.now());
      }
    } catch {
      // Not JSON: reported below like a body without a token.
    }
    if (!token) {
      throw new UpstreamUnavailableError('ALOR answered the token refresh without an access token brokerql can read', {
        connection: this.auth.connection,
      });
    }
    return token;
  }
}
