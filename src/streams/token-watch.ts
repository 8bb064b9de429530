import type { TokenStore } from '../auth/tokens.js';
import { UnauthenticatedError } from '../errors.js';

/**
 * A query is authenticated once and is over in seconds; a subscription can last for days. Its
 * token is read again from the token store every `intervalMs` — the SQLite file every brokerql
 * process on the data dir shares, so a `brokerql token revoke` from another process counts — and
 * once the token is revoked or expired, every subscription made with it ends with
 * UNAUTHENTICATED. One read per distinct token per interval, however many subscriptions it holds.
 */

export interface Watched {
  fail(error: UnauthenticatedError): void;
}

export class TokenWatch {
  private readonly byToken = new Map<string, Set<Watched>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly tokens: Pick<TokenStore, 'find'>,
    intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  add(tokenId: string, watched: Watched): () => void {
    let set = this.byToken.get(tokenId);
    if (!set) this.byToken.set(tokenId, (set = new Set()));
    set.add(watched);
    return () => {
      set.delete(watched);
      if (set.size === 0 && this.byToken.get(tokenId) === set) this.byToken.delete(tokenId);
    };
  }

  check(): void {
    for (const [tokenId, watched] of this.byToken) {
      const reason = this.endedBecause(tokenId);
      if (!reason) continue;
      this.byToken.delete(tokenId);
      for (const subscription of watched) subscription.fail(new UnauthenticatedError(`the bearer token ${reason}; this subscription has ended`));
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.byToken.clear();
  }

  private endedBecause(tokenId: string): string | undefined {
    let record;
    try {
      record = this.tokens.find(tokenId);
    } catch {
      // The database is closing (shutdown): the subscriptions are being ended anyway.
      return undefined;
    }
    if (!record) return 'no longer exists';
    if (record.revokedAt !== null) return 'has been revoked';
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= this.now()) return 'has expired';
    return undefined;
  }
}
