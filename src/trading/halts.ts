import type { Database } from '../storage/database.js';

/**
 * The kill switch (`brokerql halt`, `brokerql resume`): halts stored in SQLite, for everything,
 * one token or one account. placeOrder reads them on every order — one primary-key lookup, no
 * cache — so every process sharing the data dir refuses from its next order on.
 */

export type HaltScope = 'all' | 'token' | 'account';

export interface Halt {
  scope: HaltScope;
  /** '' for all, else the token id or the account id. */
  target: string;
  createdAt: string;
}

export class TradingHalts {
  private readonly statements;

  constructor(
    database: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.statements = {
      // Three primary-key probes: no scan, whatever else the table holds.
      find: database.prepare(
        `SELECT scope, target, created_at FROM trading_halts
          WHERE (scope = 'all' AND target = '') OR (scope = 'token' AND target = ?) OR (scope = 'account' AND target = ?)
          ORDER BY scope LIMIT 1`,
      ),
      list: database.prepare('SELECT scope, target, created_at FROM trading_halts ORDER BY created_at, scope, target'),
      insert: database.prepare('INSERT OR IGNORE INTO trading_halts (scope, target, created_at) VALUES (?, ?, ?)'),
      remove: database.prepare('DELETE FROM trading_halts WHERE scope = ? AND target = ?'),
    };
  }

  /** The halt that stops this token's orders on this account, if any. */
  find(tokenId: string, accountId: string | null): Halt | undefined {
    const row = this.statements.find.get(tokenId, accountId ?? '') as HaltRow | undefined;
    return row ? toHalt(row) : undefined;
  }

  /** Whether anything at all stops this token (everything, or the token itself). */
  haltsToken(tokenId: string): boolean {
    return this.find(tokenId, null) !== undefined;
  }

  list(): Halt[] {
    return (this.statements.list.all() as HaltRow[]).map(toHalt);
  }

  /** False when that halt was already on. */
  halt(scope: HaltScope, target: string): boolean {
    return this.statements.insert.run(scope, scope === 'all' ? '' : target, this.now().toISOString()).changes > 0;
  }

  /** False when that halt was not on. */
  resume(scope: HaltScope, target: string): boolean {
    return this.statements.remove.run(scope, scope === 'all' ? '' : target).changes > 0;
  }
}

interface HaltRow {
  scope: HaltScope;
  target: string;
  created_at: string;
}

function toHalt(row: HaltRow): Halt {
  return { scope: row.scope, target: row.target, createdAt: row.created_at };
}

/** How a halt is named in messages: "all trading", "token abc…", "account tbank:2000345678". */
export function describeHalt(halt: Pick<Halt, 'scope' | 'target'>): string {
  return halt.scope === 'all' ? 'all trading' : `${halt.scope} ${halt.target}`;
}
