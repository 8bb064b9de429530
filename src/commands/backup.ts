import { chmodSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseFileName, openDatabase } from '../storage/database.js';
import { loadCliConfig, UsageError, type CommandEnvironment } from './common.js';

/** Pages copied per step: small steps let a gateway sharing the database keep writing in between. */
const pagesPerStep = 256;

/**
 * `brokerql backup FILE`: a consistent copy of the database (tokens, audit log, idempotency
 * ledger) made with SQLite's online backup, safe while gateways are running on the same data dir.
 * It never overwrites a file, and the copy is readable by its owner only: it holds token hashes
 * and the audit trail.
 */
export async function backupCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { config: { type: 'string' } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('usage: brokerql backup FILE [--config FILE]');
  const target = path.resolve(positionals[0]!);
  if (existsSync(target)) throw new UsageError(`${target} already exists; brokerql backup never overwrites a file`);
  const directory = path.dirname(target);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new UsageError(`${directory} is not a directory`);

  const config = loadCliConfig(values, environment);
  const database = openDatabase(config.dataDir);
  let pages = 0;
  try {
    let reported = -1;
    // Called between steps only, so a small database is copied without any progress line.
    const copied = await database.backup(target, {
      progress({ totalPages, remainingPages }) {
        const percent = Math.floor(((totalPages - remainingPages) / totalPages) * 100);
        if (percent >= reported + 10) {
          environment.stderr.write(`backing up: ${percent}% of ${totalPages} pages\n`);
          reported = percent;
        }
        return pagesPerStep;
      },
    });
    pages = copied.totalPages;
    chmodSync(target, 0o600);
  } finally {
    database.close();
  }
  environment.stderr.write(`Backed up ${path.join(config.dataDir, databaseFileName)} (${pages} pages) to ${target}. To restore: stop brokerql, then copy it to ${databaseFileName} in the data dir.\n`);
  environment.stdout.write(`${target}\n`);
  return 0;
}
