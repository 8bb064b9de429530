import { randomBytes } from 'node:crypto';

/**
 * Passkeys issued by api/Authentication/*. Each kind unlocks its own family of GET methods:
 * a client token `client/*`, a partner token `partner/*`, a mobile-cabinet token
 * `clientmobile/*`. The real lifetime is undocumented; it is a setting here so tests can watch
 * a token expire.
 */

export type TokenKind = 'client' | 'partner' | 'mobile';

export interface IssuedToken {
  token: string;
  kind: TokenKind;
  login: number;
  issuedAt: Date;
}

export type TokenCheck = { ok: true; token: IssuedToken } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'wrong-kind' };

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly now: () => Date,
    /** Seconds a token stays valid; a switch, so tests may shorten it mid-run. */
    public lifetimeSeconds: number,
  ) {}

  issue(kind: TokenKind, login: number): IssuedToken {
    const issued: IssuedToken = { token: randomBytes(16).toString('hex'), kind, login, issuedAt: this.now() };
    this.tokens.set(issued.token, issued);
    return issued;
  }

  /**
   * Checks a `passkey` header value. The official samples send the token body verbatim, JSON
   * quotes included, so one pair of surrounding quotes is stripped.
   */
  check(passkey: string | undefined, kind: TokenKind): TokenCheck {
    const text = unquote(passkey?.trim() ?? '');
    if (!text) return { ok: false, reason: 'missing' };
    const issued = this.tokens.get(text);
    if (!issued) return { ok: false, reason: 'unknown' };
    if (this.now().getTime() - issued.issuedAt.getTime() >= this.lifetimeSeconds * 1000) return { ok: false, reason: 'expired' };
    if (issued.kind !== kind) return { ok: false, reason: 'wrong-kind' };
    return { ok: true, token: issued };
  }

  /** Tokens issued so far (for asserting how often an adapter logs in). */
  issued(): IssuedToken[] {
    return [...this.tokens.values()];
  }

  /** Forgets every token, as a server restart would. */
  revokeAll(): void {
    this.tokens.clear();
  }
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
