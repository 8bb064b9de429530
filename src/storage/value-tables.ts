/**
 * The table of recorded account values (netWorthHistory), one migration step of ./database.ts.
 * Times are epoch milliseconds; amounts exact decimal text in `currency`, the currency netWorth
 * was asked for. Only what netWorth computed is here: nothing is filled in for the past.
 */
export const valueHistoryMigration = `
  CREATE TABLE account_values (
    account_id TEXT NOT NULL,           -- <connection id>:<broker account id>
    currency TEXT NOT NULL,             -- ISO 4217, the currency the values are in
    time INTEGER NOT NULL,              -- when netWorth computed them (epoch ms)
    positions TEXT NOT NULL,
    cash TEXT NOT NULL,
    total TEXT NOT NULL,
    PRIMARY KEY (account_id, currency, time)
  ) WITHOUT ROWID;
  CREATE INDEX account_values_currency_time ON account_values (currency, time);
`;
