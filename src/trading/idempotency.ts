import { createHash } from 'node:crypto';
import type { Order } from '../domain.js';
import type { Database } from '../storage/database.js';

/**
 * The idempotency ledger: for each (token, key) the first answer to a placeOrder. A repeat
 * with the same key gets that answer without anything being sent to a broker; a repeat with
 * other parameters is refused; a repeat arriving while the first is still in flight waits for
 * it. Rows live in SQLite, so they survive a restart and are shared by every process.
 *
 * A first attempt whose fate is unknown (sent, no answer) — or that was in flight when its
 * process died — is "unresolved": a repeat may re-drive it where the broker itself deduplicates,
 * and must not anywhere else.
 */

export type StoredAnswer = { kind: 'order'; order: Order } | { kind: 'error'; code: string; message: string };

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'answered'; answer: StoredAnswer }
  | { kind: 'conflict' }
  | { kind: 'in-flight' }
  | { kind: 'unresolved'; answer: StoredAnswer | undefined };

interface Row {
  request_hash: string;
  state: 'pending' | 'done' | 'failed' | 'unknown';
  result: string | null;
  updated_at: string;
}

export function requestHash(parameters: unknown): string {
  return createHash('sha256').update(JSON.stringify(parameters)).digest('hex');
}

export class IdempotencyLedger {
  // Prepared once: a waiting repeat reads its row every 25 ms.
  private readonly statements;
  private readonly claimTransaction: (tokenId: string, key: string, hash: string) => Claim;

  constructor(
    database: Database,
    /** A pending row older than this belongs to a request that can no longer be running. */
    private readonly abandonedAfterMilliseconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.statements = {
      read: database.prepare('SELECT request_hash, state, result, updated_at FROM idempotency WHERE token_id = ? AND key = ?'),
      insert: database.prepare(
        `INSERT INTO idempotency (token_id, key, request_hash, state, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?)`,
      ),
      reclaim: database.prepare(`UPDATE idempotency SET state = 'pending', updated_at = ? WHERE token_id = ? AND key = ?`),
      settle: database.prepare('UPDATE idempotency SET state = ?, result = ?, updated_at = ? WHERE token_id = ? AND key = ?'),
      release: database.prepare(`DELETE FROM idempotency WHERE token_id = ? AND key = ? AND state = 'pending'`),
    };
    const transaction = database.transaction((tokenId: string, key: string, hash: string): Claim => {
      const row = this.read(tokenId, key);
      if (!row) {
        const time = this.now().toISOString();
        this.statements.insert.run(tokenId, key, hash, time, time);
        return { kind: 'claimed' };
      }
      if (row.request_hash !== hash) return { kind: 'conflict' };
      if (row.state === 'unknown') return { kind: 'unresolved', answer: parse(row) };
      if (row.state === 'pending') {
        const abandoned = this.now().getTime() - Date.parse(row.updated_at) > this.abandonedAfterMilliseconds;
        return abandoned ? { kind: 'unresolved', answer: undefined } : { kind: 'in-flight' };
      }
      return { kind: 'answered', answer: parse(row)! };
    });
    this.claimTransaction = (tokenId, key, hash) => transaction.immediate(tokenId, key, hash);
  }

  /** Claims the key for this request, or says why it cannot be claimed. Atomic across processes. */
  claim(tokenId: string, key: string, hash: string): Claim {
    return this.claimTransaction(tokenId, key, hash);
  }

  /** Whether the key has been used by this token (a repeat: its answer, or its first attempt, exists). */
  has(tokenId: string, key: string): boolean {
    return this.read(tokenId, key) !== undefined;
  }

  /** Takes an unresolved key back for one more attempt (only where a resend cannot duplicate). */
  reclaim(tokenId: string, key: string): void {
    this.statements.reclaim.run(this.now().toISOString(), tokenId, key);
  }

  /**
   * Waits for an in-flight first request to finish, polling the shared database, until the
   * deadline or until the waiting request itself is abandoned.
   */
  async waitForAnswer(tokenId: string, key: string, deadline: number, signal?: AbortSignal): Promise<StoredAnswer | undefined> {
    while (Date.now() < deadline && !signal?.aborted) {
      const row = this.read(tokenId, key);
      if (!row || row.state !== 'pending') return row ? parse(row) : undefined;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return undefined;
  }

  settle(tokenId: string, key: string, answer: StoredAnswer, state: 'done' | 'failed' | 'unknown' = answer.kind === 'order' ? 'done' : 'failed'): void {
    this.statements.settle.run(state, JSON.stringify(answer), this.now().toISOString(), tokenId, key);
  }

  /** Forgets a claim whose request never reached a broker, so a retry may try again. */
  release(tokenId: string, key: string): void {
    this.statements.release.run(tokenId, key);
  }

  private read(tokenId: string, key: string): Row | undefined {
    return this.statements.read.get(tokenId, key) as Row | undefined;
  }
}

function parse(row: Row): StoredAnswer | undefined {
  return row.result === null ? undefined : (JSON.parse(row.result) as StoredAnswer);
}
