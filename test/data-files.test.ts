import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileName } from '../src/storage/database.js';
import { runCliInProcess } from './support/cli.js';
import { startStack } from './support/stack.js';
import { temporaryDirectory } from './support/temporary-directory.js';

/**
 * The data dir holds token hashes, the audit trail and the idempotency ledger: its files are the
 * owner's alone, whatever the directory they are put in allows (and whatever the umask).
 */

const directory = temporaryDirectory('brokerql-files');
const modeOf = (file: string) => statSync(file).mode & 0o777;
const databaseFiles = (dataDir: string) => ['', '-wal', '-shm'].map((suffix) => path.join(dataDir, `${databaseFileName}${suffix}`));

describe('database files', () => {
  it('are created 0600, -wal and -shm included, in a data dir that already exists open to everyone', async () => {
    const dataDir = path.join(directory, 'open-to-all');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o777);
    // A running gateway keeps the database open, so its -wal and -shm exist.
    const stack = await startStack({ dataDir });
    try {
      for (const file of databaseFiles(dataDir)) expect([path.basename(file), modeOf(file)]).toEqual([path.basename(file), 0o600]);
    } finally {
      await stack.close();
    }
    // The directory is the operator's: brokerql does not change it.
    expect(modeOf(dataDir)).toBe(0o777);
  });

  it('are made 0600 when an older brokerql left them readable by others', async () => {
    const dataDir = path.join(directory, 'older');
    mkdirSync(dataDir);
    await startStack({ dataDir }).then((stack) => stack.close());
    for (const file of databaseFiles(dataDir)) {
      writeFileSync(file, '', { flag: 'a' });
      chmodSync(file, 0o644);
    }
    const stack = await startStack({ dataDir });
    try {
      for (const file of databaseFiles(dataDir)) expect([path.basename(file), modeOf(file)]).toEqual([path.basename(file), 0o600]);
    } finally {
      await stack.close();
    }
  });

  it('live in a data dir created 0700 when brokerql creates it', async () => {
    const dataDir = path.join(directory, 'made-by-brokerql', 'data');
    const file = path.join(directory, 'made.yaml');
    writeFileSync(file, `dataDir: ${dataDir}\n`);
    const created = await runCliInProcess(['token', 'create', '--name', 'files', '--scope', 'read', '--config', file]);
    expect(created.code).toBe(0);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, databaseFileName))).toBe(0o600);
  });

  it('include backups, readable by their owner only', async () => {
    const dataDir = path.join(directory, 'backed-up');
    const file = path.join(directory, 'backup.yaml');
    writeFileSync(file, `dataDir: ${dataDir}\n`);
    expect((await runCliInProcess(['token', 'create', '--name', 'kept', '--scope', 'read', '--config', file])).code).toBe(0);
    const target = path.join(directory, 'copy.db');
    const backup = await runCliInProcess(['backup', target, '--config', file]);
    expect(backup.code).toBe(0);
    expect(modeOf(target)).toBe(0o600);
  });
});
