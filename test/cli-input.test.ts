import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './support/cli.js';
import { temporaryDirectory } from './support/temporary-directory.js';

/** Command-line and config-file mistakes: each is one line on stderr that says what is wrong. */

const directory = temporaryDirectory('brokerql-cli-input');

function configFile(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
}

async function failure(args: string[]): Promise<{ code: number | null; line: string }> {
  const result = await runCliInProcess(args);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(result.stdout).toBe('');
  return { code: result.code, line: lines[0]! };
}

const dataOnly = () => configFile('data-only.yaml', `dataDir: ${path.join(directory, 'data')}\n`);

describe('flag values that start with a dash', () => {
  it('say what is wrong with --expires-in -5d, however it is written', async () => {
    const file = dataOnly();
    for (const flag of [['--expires-in', '-5d'], ['--expires-in=-5d']]) {
      const result = await failure(['token', 'create', '--name', 'x', '--scope', 'read', ...flag, '--config', file]);
      expect(result.code).toBe(2);
      expect(result.line).toBe('brokerql: --expires-in must look like 30d, 12h, 90m or 1y (a whole number above 0, then s, m, h, d, w or y), received "-5d"');
    }
  });

  it('say what is wrong with --limit -1', async () => {
    const result = await failure(['audit', '--limit', '-1', '--config', dataOnly()]);
    expect(result.code).toBe(2);
    expect(result.line).toBe('brokerql: --limit must be a whole number from 1 to 100000, received "-1"');
  });

  it('still take an option name as an option, and say which flag lacks its value', async () => {
    const result = await failure(['token', 'create', '--name', '--scope', 'read', '--config', dataOnly()]);
    expect(result.code).toBe(2);
    expect(result.line).toBe('brokerql: --name needs a value');
    expect((await failure(['audit', '--limit'])).line).toBe('brokerql: --limit needs a value');
  });
});

describe('config files without connections', () => {
  it('stop the commands that reach brokers, naming the file', async () => {
    const empty = configFile('empty.yaml', '');
    const serve = await failure(['serve', '--config', empty]);
    expect(serve.code).toBe(1);
    expect(serve.line).toBe(`brokerql: ${empty}: the file is empty; it needs at least one entry under connections (README, "Running it for real")`);
    const file = dataOnly();
    const check = await failure(['check', '--config', file]);
    expect(check.line).toBe(`brokerql: ${file}: connections: missing; at least one connection is needed (README, "Running it for real")`);
    const scoped = await failure(['token', 'create', '--name', 'x', '--scope', 'read', '--accounts', 'tbank:1', '--config', file]);
    expect(scoped.line).toMatch(/data-only\.yaml: connections: missing/);
  });

  it('are enough for the commands that only use the data dir: token, audit, backup', async () => {
    const file = dataOnly();
    const created = await runCliInProcess(['token', 'create', '--name', 'every-account', '--scope', 'read', '--config', file]);
    expect(created.code).toBe(0);
    expect((await runCliInProcess(['token', 'list', '--config', file])).stdout).toContain('every-account');
    expect((await runCliInProcess(['audit', '--config', file])).code).toBe(0);
    const backup = await runCliInProcess(['backup', path.join(directory, 'data-only-backup.db'), '--config', file]);
    expect(backup.code).toBe(0);
  });
});

describe('hostile config files', () => {
  it('refuse a recursive YAML alias in one line naming the file', async () => {
    const file = configFile('recursive.yaml', `dataDir: ${path.join(directory, 'data')}\nloop: &loop [*loop]\n`);
    const result = await failure(['token', 'list', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.line).toBe(`brokerql: ${file}: loop[0]: refers to itself (a recursive YAML alias)`);
  });

  it('refuse an unterminated ${NAME naming the key', async () => {
    const file = configFile('unterminated.yaml', 'connections:\n  - id: tbank\n    broker: tinkoff\n    token: ${TINKOFF_TOKEN\n');
    const result = await failure(['serve', '--config', file]);
    expect(result.line).toMatch(/unterminated\.yaml: connections\[0\]\.token: an unterminated or malformed \$\{/);
  });
});
