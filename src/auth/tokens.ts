import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../storage/database.js';
import { readStoredPolicy, type RiskPolicy } from '../trading/policy.js';
import type { Scope, ViewerModel } from './viewer.js';

/**
 * brokerql's own access tokens. A secret is `bql_<id>_<43 characters>`: the id finds the row,
 * the 256 random bits after it are the secret. Only the SHA-256 of the secret is stored, and
 * it is compared in constant time. Nothing is cached: every request reads the row, so a
 * revocation by any process sharing the data dir holds from the very next request.
 */

export interface TokenRecord {
  id: string;
  name: string;
  scope: Scope;
  /** null = every account. */
  accountIds: string[] | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** The token's risk policy (trading/policy.ts); null = none, trading as the broker allows. */
  policy: RiskPolicy | null;
}

export interface CreateTokenRequest {
  name: string;
  scope: Scope;
  accountIds: string[] | null;
  expiresAt: Date | null;
  policy?: RiskPolicy | null | undefined;
}

export type AuthenticationFailure = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked';

export type AuthenticationResult = { viewer: ViewerModel } | { failure: AuthenticationFailure };

const secretPattern = /^bql_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const idAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** last_used_at is bookkeeping: writing it more than once a minute would make every read a write. */
const lastUsedResolutionMilliseconds = 60_000;

interface TokenRow {
  id: string;
  name: string;
  scope: Scope;
  account_ids: string | null;
  secret_hash: Buffer;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  policy: string | null;
}

export class TokenStore {
  // Prepared once: `authenticate` runs on every request. (The database is migrated when opened.)
  private readonly statements;

  constructor(
    database: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.statements = {
      insert: database.prepare(
        `INSERT INTO tokens (id, name, scope, account_ids, secret_hash, created_at, expires_at, policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      list: database.prepare('SELECT * FROM tokens ORDER BY created_at, id'),
      find: database.prepare('SELECT * FROM tokens WHERE id = ?'),
      revoke: database.prepare('UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?'),
      touch: database.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
      setPolicy: database.prepare('UPDATE tokens SET policy = ? WHERE id = ?'),
    };
  }

  /** Returns the record and the secret; the secret is never retrievable again. */
  create(request: CreateTokenRequest): { record: TokenRecord; secret: string } {
    const id = randomId();
    const secret = `bql_${id}_${randomBytes(32).toString('base64url')}`;
    const createdAt = this.now().toISOString();
    this.statements.insert.run(
        id,
        request.name,
        request.scope,
        request.accountIds === null ? null : JSON.stringify(request.accountIds),
        hashSecret(secret),
        createdAt,
        request.expiresAt?.toISOString() ?? null,
        request.policy ? JSON.stringify(request.policy) : null,
      );
    return { record: this.find(id)!, secret };
  }

  list(): TokenRecord[] {
    return (this.statements.list.all() as TokenRow[]).map(toRecord);
  }

  find(id: string): TokenRecord | undefined {
    const row = this.statements.find.get(id) as TokenRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** False when no such token exists. Revoking twice keeps the first revocation time. */
  revoke(id: string): boolean {
    // SQLite counts the row as changed even when COALESCE keeps the first time.
    return this.statements.revoke.run(this.now().toISOString(), id).changes > 0;
  }

  /** Replaces a token's policy (null removes it); false when no such token exists. Read by every process from its next request. */
  setPolicy(id: string, policy: RiskPolicy | null): boolean {
    return this.statements.setPolicy.run(policy ? JSON.stringify(policy) : null, id).changes > 0;
  }

  authenticate(secret: string | undefined): AuthenticationResult {
    if (!secret) return { failure: 'missing' };
    const match = secretPattern.exec(secret);
    if (!match) return { failure: 'malformed' };
    const row = this.statements.find.get(match[1]) as TokenRow | undefined;
    // Hash even when the id is unknown, so both paths cost the same.
    const presented = hashSecret(secret);
    const stored = row?.secret_hash ?? Buffer.alloc(presented.length);
    if (!timingSafeEqual(presented, stored) || !row) return { failure: 'unknown' };
    const now = this.now();
    if (row.revoked_at !== null) return { failure: 'revoked' };
    if (row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime()) return { failure: 'expired' };
    if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= lastUsedResolutionMilliseconds) {
      this.statements.touch.run(now.toISOString(), row.id);
    }
    const record = toRecord(row);
    return { viewer: { tokenId: record.id, name: record.name, scope: record.scope, accountIds: record.accountIds, policy: record.policy } };
  }
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function randomId(): string {
  // Rejection-free: 36 does not divide 256, but the bias (≤ 0.4%) is irrelevant for an id.
  return [...randomBytes(12)].map((byte) => idAlphabet[byte % idAlphabet.length]).join('');
}

function toRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    accountIds: row.account_ids === null ? null : (JSON.parse(row.account_ids) as string[]),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    policy: readStoredPolicy(row.policy),
  };
}
