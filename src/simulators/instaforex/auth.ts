import { randomBytes } from 'node:crypto';
import type { SimulatorRequest } from '../common/http.js';
import { InstaforexRefusal } from './errors.js';

/**
 * Passkeys issued by api/Authentication/*. Each kind unlocks its own family of GET methods:
 * a client token `client/*`, a partner token `partner/*`, a mobile-cabinet token
 * `clientmobile/*`. The real lifetime is undocumented; it is a setting here so tests can watch
 * a token expire. Logins and passwords are the seeded accounts' and partners'.
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

  /** The token a request's `passkey` header carries, if it is valid and of this kind; else Web API's 401. */
  authenticate(request: SimulatorRequest, kind: TokenKind): IssuedToken {
    const header = request.headers['passkey'];
    const check = this.check(Array.isArray(header) ? header[0] : header, kind);
    if (!check.ok) throw new InstaforexRefusal(401);
    return check.token;
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

interface Credentials {
  login: number;
  password: string;
}

/** Which token kinds a login/password pair may request: accounts get client tokens, partners partner tokens; both may use the mobile cabinet. */
export function credentialsAllow(
  known: { accounts: readonly Credentials[]; partners: readonly Credentials[] },
  kind: TokenKind,
  { login, password }: Credentials,
): boolean {
  const matches = (candidate: Credentials) => candidate.login === login && candidate.password === password;
  const account = known.accounts.some(matches);
  const partner = known.partners.some(matches);
  if (kind === 'client') return account;
  if (kind === 'partner') return partner;
  return account || partner;
}
