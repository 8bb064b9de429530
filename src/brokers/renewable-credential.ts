import { BrokerqlError } from '../errors.js';

/**
 * A credential a connection renews itself: ALOR's access token (a JWT bought with the refresh
 * token), InstaForex's passkey (bought with the login and API password). One is held and sent
 * with every request until it is no longer fresh or the broker refuses it; renewing is single
 * flight — however many requests find it stale or refused at once, one renewal is made and all of
 * them wait for it. A failed renewal is not remembered: the next request tries again.
 */

export interface RenewableCredentialOptions<Credential> {
  /**
   * Obtains a new credential; throws the broker's typed error when refused. It is shared by every
   * waiting request, so it runs without any one request's abort signal (the connection's timeout
   * still bounds it): a client that goes away must not fail the others.
   */
  obtain: () => Promise<Credential>;
  /** Whether a held credential may be sent now (renewed ahead of its expiry otherwise). */
  isFresh: (credential: Credential) => boolean;
  /**
   * Whether a held credential that is no longer fresh still works, for when renewing fails for a
   * passing reason (the auth host down or busy): it is then used until it really expires. Absent:
   * a failed renewal fails the request.
   */
  stillValid?: ((credential: Credential) => boolean) | undefined;
}

export class RenewableCredential<Credential> {
  private held: Credential | undefined;
  private renewing: Promise<Credential> | undefined;

  constructor(private readonly options: RenewableCredentialOptions<Credential>) {}

  /** A credential fit to send now: the one held, or the result of the (shared) renewal. */
  async current(): Promise<Credential> {
    const held = this.held;
    if (held !== undefined && this.options.isFresh(held)) return held;
    try {
      return await this.renew();
    } catch (error) {
      // A refusal (a revoked refresh token, a wrong password) is reported at once, so the user
      // learns of it before the held credential runs out.
      const passing = error instanceof BrokerqlError && error.retryable;
      if (passing && held !== undefined && this.held === held && this.options.stillValid?.(held)) return held;
      throw error;
    }
  }

  /**
   * The credential to retry with after the broker refused `refused`. Every request refused the
   * same one shares one renewal; one refused an older credential gets the newer one.
   */
  replace(refused: Credential): Promise<Credential> {
    if (this.held === refused) this.held = undefined;
    return this.held !== undefined ? Promise.resolve(this.held) : this.renew();
  }

  /**
   * Sends with the current credential and, when the answer says it was refused, once more with a
   * replacement; a second refusal is the caller's to report.
   */
  async send<Answer>(request: (credential: Credential) => Promise<Answer>, refused: (answer: Answer) => boolean): Promise<Answer> {
    const credential = await this.current();
    const answer = await request(credential);
    return refused(answer) ? request(await this.replace(credential)) : answer;
  }

  private renew(): Promise<Credential> {
    this.renewing ??= this.options
      .obtain()
      .then((credential) => {
        this.held = credential;
        return credential;
      })
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }
}
