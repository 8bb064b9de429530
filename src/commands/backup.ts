import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { databaseFileName, openDatabase } from '../storage/database.js';
import { loadCliConfig, parseCommandLine, UsageError, type CommandEnvironment } from './common.js';

/** Pages copied per step: small steps let a gateway sharing the database keep writing in between. */
const pagesPerStep = 256;

/**
 * `brokerql backup FILE`: a consistent copy of the database (tokens, audit log, idempotency
 * ledger) made with SQLite's online backup, safe while gateways are running on the same data dir.
 * It never overwrites a file, and the copy is readable by its owner only: it holds token hashes
 * and the audit trail.
 */
export async function backupCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values, positionals } = parseCommandLine({ args, options: { config: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('usage: brokerql backup FILE [--config FILE]');
  const target = path.resolve(positionals[0]!);
  const directory = path.dirname(target);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new UsageError(`${directory} is not a directory`);

  const config = loadCliConfig(values, environment, { needsConnections: false });
  // Created here, owner-only and only if it does not exist yet: SQLite would create it readable by
  // everyone (less the umask) until a chmod afterwards, and a check before creating it is a race.
  try {
    closeSync(openSync(target, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${target} already exists; brokerql backup never overwrites a file`);
    throw error;
  }
  let pages = 0;
  try {
    pages = await copyDatabase(config.dataDir, target, environment);
  } catch (error) {
    // Half a copy is worse than none: it would look like a backup.
    rmSync(target, { force: true });
    throw error;
  }
  environment.stderr.write(`Backed up ${path.join(config.dataDir, databaseFileName)} (${pages} pages) to ${target}. To restore: stop brokerql, then copy it to ${databaseFileName} in the data dir.\n`);
  environment.stdout.write(`${target}\n`);
  return 0;
}

/** SQLite's online backup into `target`, in small steps; returns the pages copied. */
async function copyDatabase(dataDirectory: string, target: string, environment: CommandEnvironment): Promise<number> {
  const database = openDatabase(dataDirectory);
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
    return copied.totalPages;
  } finally {
    database.close();
  }
}
