/**
 * The tables of the operations journal and the candle store (issue 18), one migration step of
 * ./database.ts. Instants are stored as journal/fingerprint.ts `instantKey` text (fixed-width UTC,
 * sorts as time does); candle times as epoch milliseconds.
 */
export const historyMigration = `
  CREATE TABLE journal_operations (
    row_id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,           -- <connection id>:<broker account id>
    stable_id TEXT NOT NULL,            -- what clients see as Operation.id; never changes
    broker_id TEXT NOT NULL,            -- the broker's id as last read
    fingerprint TEXT NOT NULL,          -- what the operation is (journal/fingerprint.ts)
    instant TEXT NOT NULL,
    type TEXT NOT NULL,
    instrument_key TEXT,
    parent_fingerprint TEXT,            -- the fingerprint of the row this one belongs to (a fee's trade)
    body TEXT NOT NULL,                 -- the operation as the broker last stated it, JSON, without its ids
    missing INTEGER NOT NULL DEFAULT 0, -- reads in a row that covered it and did not return it
    UNIQUE (account_id, stable_id)
  );
  CREATE INDEX journal_operations_order ON journal_operations (account_id, instant, row_id);
  CREATE INDEX journal_operations_fingerprint ON journal_operations (account_id, fingerprint);
  CREATE TABLE journal_aliases (
    account_id TEXT NOT NULL,
    broker_id TEXT NOT NULL,
    row_id INTEGER NOT NULL REFERENCES journal_operations (row_id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, broker_id)
  );
  CREATE INDEX journal_aliases_row ON journal_aliases (row_id);
  CREATE TABLE journal_changes (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    stable_id TEXT NOT NULL
  );
  CREATE INDEX journal_changes_account ON journal_changes (account_id, sequence);
  CREATE TABLE journal_accounts (
    account_id TEXT PRIMARY KEY,
    since TEXT NOT NULL,                -- the backfill's lower end (ISO-8601)
    backfill_end TEXT NOT NULL,         -- its upper end, fixed when it starts
    windows_total INTEGER NOT NULL,
    next_window INTEGER NOT NULL DEFAULT 0,
    backfill_done_at TEXT,
    synced_until TEXT,                  -- the journal holds every operation up to here
    last_sync_at TEXT,
    last_error TEXT,
    lease_owner TEXT,                   -- the process syncing it now, until lease_until (epoch ms)
    lease_until INTEGER
  );
  CREATE TABLE journal_secret (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL                   -- signs cursors (journal/cursors.ts)
  );
  CREATE TABLE candles (
    connection_id TEXT NOT NULL,
    instrument_key TEXT NOT NULL,
    interval TEXT NOT NULL,
    time INTEGER NOT NULL,
    open TEXT NOT NULL,
    high TEXT NOT NULL,
    low TEXT NOT NULL,
    close TEXT NOT NULL,
    volume TEXT NOT NULL,
    PRIMARY KEY (connection_id, instrument_key, interval, time)
  ) WITHOUT ROWID;
  CREATE TABLE candle_coverage (
    connection_id TEXT NOT NULL,
    instrument_key TEXT NOT NULL,
    interval TEXT NOT NULL,
    start INTEGER NOT NULL,             -- every closed candle starting in [start, end) is in candles
    end INTEGER NOT NULL,
    PRIMARY KEY (connection_id, instrument_key, interval, start)
  ) WITHOUT ROWID;
`;
