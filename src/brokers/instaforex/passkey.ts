/**
 * The passkey an InstaForex connection sends with every call. One login serves every request
 * until the passkey is refused or ages out, and logins are serialised: however many requests
 * find the passkey stale at the same moment, they all wait for one login (single flight).
 */

export interface Passkey {
  value: string;
  obtainedAt: number;
}

export interface PasskeySessionOptions {
  /** Calls the token method; throws when InstaForex refuses. */
  login: () => Promise<string>;
  /** A passkey older than this is replaced before use. */
  maximumAgeMilliseconds: number;
  now?: () => number;
}

export class PasskeySession {
  private current: Passkey | undefined;
  private pendingLogin: Promise<Passkey> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: PasskeySessionOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A passkey young enough to use: the current one, or the result of the (shared) login. */
  get(): Promise<Passkey> {
    const current = this.current;
    if (current && this.now() - current.obtainedAt < this.options.maximumAgeMilliseconds) return Promise.resolve(current);
    return this.login();
  }

  /** After InstaForex refused `refused`: a new passkey, unless another request has already replaced it. */
  renew(refused: Passkey): Promise<Passkey> {
    if (this.current && this.current !== refused) return Promise.resolve(this.current);
    this.current = undefined;
    return this.login();
  }

  /**
   * Joins the login in flight or starts one. The login is shared, so it runs without any one
   * request's abort signal (the connection's timeout still bounds it): a client that goes away
   * must not fail the others waiting on it.
   */
  private login(): Promise<Passkey> {
    // Aged from when the login was asked for: the server's clock started no later than that.
    const started = this.now();
    this.pendingLogin ??= this.options
      .login()
      .then((value) => {
        this.current = { value, obtainedAt: started };
        return this.current;
      })
      .finally(() => {
        this.pendingLogin = undefined;
      });
    return this.pendingLogin;
  }
}
