import { createHash } from 'node:crypto';
import type { Order } from '../domain.js';
import type { Database } from '../storage/database.js';

/**
 * The idempotency ledger: for each (token, key) the first answer to a placeOrder. A repeat
 * with the same key gets that answer without anything being sent to a broker; a repeat with
 * other parameters is refused; a repeat arriving while the first is still in flight waits for
 * it. Rows live in SQLite, so they survive a restart and are shared by every process.
 */

export type StoredAnswer = { kind: 'order'; order: Order } | { kind: 'error'; code: string; message: string };

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'answered'; answer: StoredAnswer }
  | { kind: 'conflict' }
  | { kind: 'in-flight' };

interface Row {
  request_hash: string;
  state: 'pending' | 'done' | 'failed';
  result: string | null;
}

export function requestHash(parameters: unknown): string {
  return createHash('sha256').update(JSON.stringify(parameters)).digest('hex');
}

export class IdempotencyLedger {
  constructor(
    private readonly database: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Claims the key for this request, or says why it cannot be claimed. Atomic across processes. */
  claim(tokenId: string, key: string, hash: string): Claim {
    return this.database
      .transaction((): Claim => {
        const row = this.database
          .prepare('SELECT request_hash, state, result FROM idempotency WHERE token_id = ? AND key = ?')
          .get(tokenId, key) as Row | undefined;
        if (!row) {
          const time = this.now().toISOString();
          this.database
            .prepare(`INSERT INTO idempotency (token_id, key, request_hash, state, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?)`)
            .run(tokenId, key, hash, time, time);
          return { kind: 'claimed' };
        }
        if (row.request_hash !== hash) return { kind: 'conflict' };
        if (row.state === 'pending' || row.result === null) return { kind: 'in-flight' };
        return { kind: 'answered', answer: JSON.parse(row.result) as StoredAnswer };
      })
      .immediate();
  }

  /** Waits for an in-flight first request to finish, polling the shared database. */
  async waitForAnswer(tokenId: string, key: string, deadline: number): Promise<StoredAnswer | undefined> {
    while (Date.now() < deadline) {
      const row = this.database
        .prepare('SELECT request_hash, state, result FROM idempotency WHERE token_id = ? AND key = ?')
        .get(tokenId, key) as Row | undefined;
      if (!row) return undefined;
      if (row.state !== 'pending' && row.result !== null) return JSON.parse(row.result) as StoredAnswer;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return undefined;
  }

  settle(tokenId: string, key: string, answer: StoredAnswer): void {
    this.database
      .prepare('UPDATE idempotency SET state = ?, result = ?, updated_at = ? WHERE token_id = ? AND key = ?')
      .run(answer.kind === 'order' ? 'done' : 'failed', JSON.stringify(answer), this.now().toISOString(), tokenId, key);
  }

  /** Forgets a claim whose request never reached a broker, so a retry may try again. */
  release(tokenId: string, key: string): void {
    this.database.prepare(`DELETE FROM idempotency WHERE token_id = ? AND key = ? AND state = 'pending'`).run(tokenId, key);
  }
}
