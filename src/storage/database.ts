import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { historyMigration } from './history-tables.js';
import { valueHistoryMigration } from './value-tables.js';

export type { Database } from 'better-sqlite3';

/**
 * brokerql's embedded database: one SQLite file in the data dir, created and migrated on first
 * use. WAL mode lets several brokerql processes (a server and `brokerql token revoke`, or two
 * servers) share it: readers never block the writer, and every request sees committed rows.
 */

export class DataDirectoryError extends Error {
  override name = 'DataDirectoryError';
}

/** Each entry moves the schema one version forward; never edit a released entry, add one. */
const migrations: string[] = [
  `CREATE TABLE tokens (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     scope TEXT NOT NULL CHECK (scope IN ('READ', 'TRADE')),
     account_ids TEXT,                 -- JSON array, NULL = every account
     secret_hash BLOB NOT NULL,        -- SHA-256 of the secret; the secret itself is never stored
     created_at TEXT NOT NULL,
     expires_at TEXT,
     last_used_at TEXT,
     revoked_at TEXT
   );
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     time TEXT NOT NULL,
     token_id TEXT,
     token_name TEXT,
     mutation TEXT NOT NULL,
     account_id TEXT,
     instrument TEXT,
     side TEXT,
     type TEXT,
     lots INTEGER,
     price TEXT,
     idempotency_key TEXT,
     order_id TEXT,
     outcome TEXT NOT NULL,
     broker_order_id TEXT,
     error_code TEXT,
     message TEXT
   );
   CREATE INDEX audit_log_time ON audit_log (time);`,
  `CREATE TABLE idempotency (
     token_id TEXT NOT NULL,
     key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
     result TEXT,                      -- JSON of the first answer (an order, or an error)
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (token_id, key)
   );`,
  // 'unknown': the order was sent but its fate could not be established; a repeat re-checks.
  `CREATE TABLE idempotency_next (
     token_id TEXT NOT NULL,
     key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'unknown')),
     result TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (token_id, key)
   );
   INSERT INTO idempotency_next SELECT * FROM idempotency;
   DROP TABLE idempotency;
   ALTER TABLE idempotency_next RENAME TO idempotency;`,
  // Trading guardrails (issue 17): a token's policy, the orders counted against it, the kill switch.
  `ALTER TABLE tokens ADD COLUMN policy TEXT;            -- JSON of the validated policy; NULL = none
   ALTER TABLE audit_log ADD COLUMN rule TEXT;           -- the policy rule that refused an order
   CREATE TABLE risk_reservations (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     token_id TEXT NOT NULL,
     day TEXT NOT NULL,                  -- YYYY-MM-DD in the policy's timezone
     account_id TEXT NOT NULL,
     instrument TEXT NOT NULL,           -- <connection id>:<broker key>
     side TEXT NOT NULL,
     lots INTEGER NOT NULL,
     value TEXT,                         -- exact decimal in value_currency; NULL when not valued
     value_currency TEXT,
     idempotency_key TEXT,
     state TEXT NOT NULL CHECK (state IN ('reserved', 'placed', 'released', 'unknown')),
     broker_order_id TEXT,
     created_at TEXT NOT NULL,
     settled_at TEXT
   );
   CREATE INDEX risk_reservations_token_day ON risk_reservations (token_id, day);
   CREATE INDEX risk_reservations_created ON risk_reservations (state, created_at);
   CREATE INDEX risk_reservations_settled ON risk_reservations (state, settled_at);
   CREATE TABLE trading_halts (
     scope TEXT NOT NULL CHECK (scope IN ('all', 'token', 'account')),
     target TEXT NOT NULL,               -- '' for all, else the token id or account id
     created_at TEXT NOT NULL,
     PRIMARY KEY (scope, target)
   );`,
  // Issue 18: the operations journal and the candle store.
  historyMigration,
  // Issue 19: account values recorded by netWorth, for netWorthHistory.
  valueHistoryMigration,
];

export const databaseFileName = 'brokerql.db';

export function openDatabase(dataDirectory: string): Database.Database {
  try {
    mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new DataDirectoryError(`data dir ${dataDirectory} cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const file = path.join(dataDirectory, databaseFileName);
  let database: Database.Database;
  try {
    keepToOwner(file);
    database = new Database(file, { timeout: 5_000 });
  } catch (error) {
    throw new DataDirectoryError(`data dir ${dataDirectory}: cannot open ${databaseFileName} (${(error as Error).message})`);
  }
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  migrate(database);
  return database;
}

/**
 * The database holds token hashes and the audit trail: readable by its owner only, whatever the
 * data dir allows. SQLite would create the file 0644 (less the umask), and creates -wal and -shm
 * with the database file's own mode, so creating the database file 0600 first settles all three.
 * Files an older brokerql left wider are narrowed. (Only by path: opening and closing a file
 * SQLite has open would drop its locks on it.)
 */
function keepToOwner(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (const existing of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(existing).mode & 0o077) !== 0) chmodSync(existing, 0o600);
    } catch (error) {
      // Absent, or not ours to change (a data dir shared by design): SQLite's own checks decide.
      if (!['ENOENT', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
}

function migrate(database: Database.Database): void {
  // IMMEDIATE takes the write lock first, so two processes starting together migrate once.
  database.transaction(() => {
    const version = database.pragma('user_version', { simple: true }) as number;
    if (version > migrations.length) {
      throw new DataDirectoryError(`${databaseFileName} was written by a newer brokerql (schema ${version}); upgrade brokerql`);
    }
    for (const [index, statement] of migrations.entries()) {
      if (index < version) continue;
      database.exec(statement);
    }
    database.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
