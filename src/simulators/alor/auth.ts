import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { bearerToken, type SimulatorRequest } from '../common/http.js';
import { BrokerRefusal } from '../common/routes.js';
import { client } from './data.js';

/**
 * ALOR's access tokens: JWTs that clients only base64url-decode (for `portfolios` and `exp`).
 * The simulator signs them with an HMAC of its own per-instance secret laid out as a 64-byte
 * "ES256" signature, so it can tell its tokens from anyone else's — a token from another
 * simulator instance is refused like a token from ALOR's other contour (401).
 */

export const alorSimulatorRefreshTokens = {
  /** Issues access tokens for all of the client's portfolios. */
  valid: 'simulator-alor-refresh-token-valid',
  /** A refresh token the client revoked in ALOR's cabinet: /refresh answers 403. */
  revoked: 'simulator-alor-refresh-token-revoked',
} as const;

export interface AccessClaims {
  sub: string;
  ent: string;
  ein: string;
  clientid: string;
  azp: string;
  agreements: string;
  /** Space-separated portfolio ids — the only list of portfolios ALOR offers. */
  portfolios: string;
  scope: string;
  exp: number;
  iat: number;
  iss: string;
  aud: string;
}

export type TokenCheck = { ok: true; claims: AccessClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Who is calling: the token's claims and the portfolios it lists. */
export interface AlorCaller {
  claims: AccessClaims;
  portfolios: string[];
}

const header = { alg: 'ES256', typ: 'JWT', cty: 'JWT' };

export class AccessTokenIssuer {
  private readonly secret = randomBytes(32);
  /** Signatures of the tokens issued so far, and of those a test made expire early. */
  private readonly issued = new Set<string>();
  private readonly expiredEarly = new Set<string>();

  constructor(
    private readonly lifetimeSeconds: number,
    private readonly now: () => Date,
  ) {}

  /** `allowedPortfolios` narrows the token to those of the client's portfolios (unknown ones are dropped). */
  issue(allowedPortfolios?: readonly string[]): string {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const portfolios = allowedPortfolios
      ? client.portfolios.filter((portfolio) => allowedPortfolios.includes(portfolio))
      : client.portfolios;
    // Claim order follows the sample token in ALOR's documentation.
    const claims: AccessClaims = {
      sub: client.login,
      ent: 'client',
      ein: client.ein,
      clientid: client.clientId,
      azp: 'b1e7c2d94f3a58e06c21',
      agreements: client.agreements.join(' '),
      portfolios: portfolios.join(' '),
      scope: 'OrdersRead OrdersCreate Trades Personal Stats',
      exp: issuedAt + this.lifetimeSeconds,
      iat: issuedAt,
      iss: 'Alor.Identity',
      aud: 'Client WARP WarpATConnector subscriptionsApi CommandApi InstrumentApi TradingViewPlatform',
    };
    const signingInput = `${encode(header)}.${encode(claims)}`;
    const signature = this.sign(signingInput).toString('base64url');
    this.issued.add(signature);
    // Issued now, so fresh — even when it is, claim for claim, a token issued earlier in the same
    // second that a test has made expire.
    this.expiredEarly.delete(signature);
    return `${signingInput}.${signature}`;
  }

  /** Switch: every token issued so far is expired from now on (new ones from /refresh are fine). */
  expireAll(): void {
    for (const signature of this.issued) this.expiredEarly.add(signature);
    this.issued.clear();
  }

  check(token: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'invalid' };
    const [encodedHeader, encodedClaims, signature] = parts as [string, string, string];
    const expected = this.sign(`${encodedHeader}.${encodedClaims}`);
    const received = Buffer.from(signature, 'base64url');
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { ok: false, reason: 'invalid' };
    const claims = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8')) as AccessClaims;
    if (this.now().getTime() >= claims.exp * 1000 || this.expiredEarly.has(signature)) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  /** The caller a request's access token names; else the empty 401 with WWW-Authenticate that ASP.NET's JwtBearer sends (ALOR runs .NET). */
  authenticate(request: SimulatorRequest): AlorCaller {
    const token = bearerToken(request.headers);
    if (!token) throw new BrokerRefusal({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
    const check = this.check(token);
    if (!check.ok) {
      const description = check.reason === 'expired' ? ', error_description="The token expired"' : '';
      throw new BrokerRefusal({ status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token"${description}` } });
    }
    return { claims: check.claims, portfolios: portfoliosOf(check.claims) };
  }

  private sign(input: string): Buffer {
    // Two HMACs make the 64 bytes (r ‖ s) a real ES256 signature has.
    const first = createHmac('sha256', this.secret).update(input).digest();
    const second = createHmac('sha256', this.secret).update(first).update(input).digest();
    return Buffer.concat([first, second]);
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function portfoliosOf(claims: AccessClaims): string[] {
  return claims.portfolios.split(' ').filter(Boolean);
}
