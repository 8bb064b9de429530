import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTinkoffSimulator, tinkoffSimulatorTokens, type TinkoffSimulator } from '../src/simulators/tinkoff/server.js';
import { runCliInProcess } from './support/cli.js';
import { syntheticHistory } from './support/history.js';
import { temporaryDirectory } from './support/temporary-directory.js';

/**
 * `brokerql sync`: fills the journal with progress (plain lines off a terminal), resumes after an
 * interrupted run where it stopped, and `--status` shows where each account stands.
 */

const directory = temporaryDirectory('brokerql-sync');
const route = 'OperationsService/GetOperationsByCursor';
let simulator: TinkoffSimulator;

beforeAll(async () => {
  simulator = createTinkoffSimulator({ rateLimits: false });
  simulator.state.operations.push(...syntheticHistory('2031415926', 120, '2025-06-02T07:00:00Z'));
  await simulator.server.start();
});

afterAll(() => simulator.server.stop());

function configFile(name: string): string {
  const file = path.join(directory, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `dataDir: ${path.join(directory, `${name}-data`)}`,
      'journal:',
      '  windowDays: 180',
      'connections:',
      '  - id: tbank',
      '    broker: tinkoff',
      `    token: ${tinkoffSimulatorTokens.full}`,
      `    baseUrl: ${simulator.baseUrl}`,
      '',
    ].join('\n'),
  );
  return file;
}

describe('brokerql sync', () => {
  it('fills one account\'s journal with progress lines, and --status shows it', async () => {
    const file = configFile('one');
    const synced = await runCliInProcess(['sync', '--account', 'tbank:2031415926', '--config', file]);
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    const lines = synced.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^tbank:2031415926 {2}backfill: 0\/\d+ windows, 0 operations, 0 broker calls$/);
    expect(lines.at(-1)).toMatch(/^tbank:2031415926 {2}synced: (\d+)\/\1 windows, 120 operations, \d+ broker calls$/);
    const status = await runCliInProcess(['sync', '--status', '--config', file]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^ACCOUNT\s+STATE\s+OPERATIONS\s+SYNCED UNTIL\s+LAST SYNC\s+ERROR\n/);
    expect(status.stdout).toMatch(/\ntbank:2031415926\s+synced\s+120\s+20\d\d-/);
  });

  it('continues an interrupted backfill where it stopped', async () => {
    const file = configFile('resume');
    // The broker fails for every window older than mid-2025: the backfill stops there.
    simulator.server.injectFault({ route, fault: { kind: 'status', status: 503 }, when: ({ body }) => (JSON.parse(body) as { to: string }).to < '2025-05-01' });
    simulator.server.resetCounters();
    const interrupted = await runCliInProcess(['sync', '--account', 'tbank:2031415926', '--config', file]);
    expect(interrupted.code).toBe(1);
    expect(interrupted.stdout).toMatch(/tbank:2031415926 {2}FAILED after (\d+)\/\d+ windows, 120 operations/);
    expect(interrupted.stderr).toContain('run brokerql sync again to continue');
    const status = await runCliInProcess(['sync', '--status', '--config', file]);
    const [, done, total] = /backfill (\d+)\/(\d+) windows/.exec(status.stdout)!;
    expect(Number(done)).toBeGreaterThan(0);
    // The broker's failure, as brokerql words it, is kept for --status.
    expect(status.stdout).toMatch(/backfill \d+\/\d+ windows\s+120\s+-\s+20\d\d-\S+\s+T-Invest .+/);

    simulator.server.clearFaults();
    simulator.server.resetCounters();
    const resumed = await runCliInProcess(['sync', '--account', 'tbank:2031415926', '--config', file]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim().split('\n')[0]).toMatch(new RegExp(`backfill: ${done}/${total} windows, 120 operations`));
    // Only the windows left, then the tail: none of the windows read before is read again.
    const windowEnds = simulator.server.recentRequests(route).map((request) => (JSON.parse(request.body) as { to: string }).to);
    expect(windowEnds.every((end) => end < '2025-05-01' || end > new Date(Date.now() - 2 * 86_400_000).toISOString())).toBe(true);
  });

  it('refuses an account it does not know, in one line', async () => {
    const file = configFile('refusals');
    const unknownConnection = await runCliInProcess(['sync', '--account', 'alor:D1', '--config', file]);
    expect(unknownConnection.code).toBe(2);
    expect(unknownConnection.stderr).toBe('brokerql: --account: alor:D1 names connection "alor", which is not in the config (connections: tbank)\n');
    const unknownAccount = await runCliInProcess(['sync', '--account', 'tbank:1', '--config', file]);
    expect(unknownAccount.code).toBe(2);
    expect(unknownAccount.stderr).toMatch(/^brokerql: --account: tbank:1 does not exist \(accounts of "tbank": tbank:2000345678, /);
    const malformed = await runCliInProcess(['sync', '--account', 'nope', '--config', file]);
    expect(malformed.code).toBe(2);
  });
});
