import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../src/auth/audit-log.js';
import { TokenStore } from '../src/auth/tokens.js';
import { openDatabase } from '../src/storage/database.js';
import { createAlorSimulator } from '../src/simulators/alor/server.js';
import { alorSimulatorRefreshTokens } from '../src/simulators/alor/auth.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { runCliInProcess } from './support/cli.js';
import { temporaryDirectory } from './support/temporary-directory.js';

/**
 * Issue 17's commands: `token create --policy`, `token show`, `token update --policy`, and the
 * kill switch `halt` / `resume` with `--cancel-open`, against simulators over loopback.
 */

const directory = temporaryDirectory('brokerql-guardrails-cli');
const tinkoff = createTinkoffSimulator({ rateLimits: false });
const alor = createAlorSimulator({ rateLimits: false });
const config = path.join(directory, 'brokerql.yaml');
const dataDir = path.join(directory, 'data');

beforeAll(async () => {
  await Promise.all([tinkoff.server.start(), alor.server.start()]);
  writeFileSync(
    config,
    [
      `dataDir: ${dataDir}`,
      'connections:',
      `  - { id: tbank, broker: tinkoff, token: ${tinkoffSimulatorTokens.full}, baseUrl: ${tinkoff.baseUrl}, quota: false }`,
      `  - { id: alor, broker: alor, refreshToken: ${alorSimulatorRefreshTokens.valid}, apiUrl: ${alor.apiUrl}, authUrl: ${alor.authUrl}, quota: false }`,
      '',
    ].join('\n'),
  );
});
afterAll(() => Promise.all([tinkoff.server.stop(), alor.server.stop()]));

function policyFile(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
}

async function createToken(name: string, ...extra: string[]): Promise<string> {
  const created = await runCliInProcess(['token', 'create', '--name', name, '--scope', 'trade', ...extra, '--config', config]);
  expect(created.code).toBe(0);
  return /^bql_([a-z0-9]{12})_/.exec(created.stdout)![1]!;
}

describe('token policies', () => {
  it('creates a token with a policy, shows it with the defaults filled in, replaces and removes it (audited)', async () => {
    const file = policyFile('bot.yaml', 'maxOrdersPerDay: 50\nmaxOrderValue: 50000\ninstruments: ["tbank:BBG004730N88", "alor:MOEX:SBER"]\ntradingHours: { from: "10:00", to: "18:40", timezone: Europe/Moscow, days: [MON, FRI] }\n');
    const id = await createToken('bot', '--policy', file);
    const shown = await runCliInProcess(['token', 'show', id, '--config', config]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id\\s+${id}\\nname\\s+bot\\nscope\\s+TRADE\\n`));
    expect(shown.stdout).toMatch(/\nhalted\s+no\n/);
    expect(shown.stdout).toMatch(/\ntoday\s+20\d\d-\d\d-\d\d \(Europe\/Moscow\): 0 orders, none valued\n/);
    expect(shown.stdout).toContain('policy:\n  currency: RUB\n  timezone: Europe/Moscow\n  maxOrderValue: "50000"\n  maxOrdersPerDay: 50\n');
    expect(shown.stdout).toContain('    - alor:MOEX:SBER\n');

    const next = policyFile('next.yaml', 'maxOrdersPerDay: 5\ncurrency: usd\n');
    const updated = await runCliInProcess(['token', 'update', id, '--policy', next, '--config', config]);
    expect(updated.code).toBe(0);
    expect(updated.stderr).toMatch(/^Policy of token \w+ replaced \(maxOrdersPerDay; currency USD, day in Europe\/Moscow\)/);
    const database = openDatabase(dataDir);
    try {
      expect(new TokenStore(database).find(id)!.policy).toEqual({ currency: 'USD', timezone: 'Europe/Moscow', maxOrdersPerDay: 5 });
      expect(new AuditLog(database).recent(1)[0]).toMatchObject({ mutation: 'tokenUpdate', tokenName: 'brokerql CLI', outcome: 'ok' });
      expect(new AuditLog(database).recent(1)[0]!.message).toMatch(new RegExp(`^policy of token ${id} "bot" replaced`));
    } finally {
      database.close();
    }
    const cleared = await runCliInProcess(['token', 'update', id, '--clear-policy', '--config', config]);
    expect(cleared.stderr).toMatch(/removed/);
    expect((await runCliInProcess(['token', 'show', id, '--config', config])).stdout).toContain('policy:\n  none (trades as the broker allows)\n');
  });

  it('refuses a bad policy with one line naming the file and the key, and a policy on a READ token', async () => {
    const cases: Array<[string, RegExp]> = [
      ['maxOrdersPerDya: 5\n', /: maxOrdersPerDya: unknown key$/],
      ['maxOrderValue: -5\n', /: maxOrderValue: expected a positive amount/],
      ['maxOrdersPerDay: 2.5\n', /: maxOrdersPerDay: expected a whole number$/],
      ['tradingHours: { from: "25:00", to: "18:00", timezone: Europe/Moscow }\n', /: tradingHours\.from: expected a time HH:MM/],
      ['tradingHours: { from: "10:00", to: "18:00", timezone: Mars/Olympus }\n', /: tradingHours\.timezone: expected an IANA timezone/],
      ['allowFrom: ["10.0.0.0/33"]\n', /: allowFrom\[0\]: expected an address or CIDR/],
      ['instruments: [SBER]\n', /: instruments\[0\]: expected an instrument id/],
      ['sides: [buy]\n', /: sides\[0\]: /],
      ['[1, 2\n', /: not valid YAML/],
    ];
    for (const [text, message] of cases) {
      const file = policyFile('bad.yaml', text);
      const result = await runCliInProcess(['token', 'create', '--name', 'x', '--scope', 'trade', '--policy', file, '--config', config]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^brokerql: --policy .*bad\.yaml/);
      expect(lines[0]).toMatch(message);
    }
    const readToken = await runCliInProcess(['token', 'create', '--name', 'x', '--scope', 'read', '--policy', policyFile('ok.yaml', 'maxOrdersPerDay: 1\n'), '--config', config]);
    expect(readToken.stderr).toBe('brokerql: --policy limits trading: only a trade token carries one\n');
    const unknown = await runCliInProcess(['token', 'show', 'nosuchtoken1', '--config', config]);
    expect(unknown.stderr).toMatch(/no token with id "nosuchtoken1"/);
  });
});

describe('halt and resume', () => {
  it('needs exactly one target, and a token that exists', async () => {
    expect((await runCliInProcess(['halt', '--config', config])).stderr).toMatch(/exactly one of --all, --token, --account/);
    expect((await runCliInProcess(['halt', '--all', '--account', 'tbank:1', '--config', config])).code).toBe(2);
    expect((await runCliInProcess(['halt', '--token', 'nosuchtoken1', '--config', config])).stderr).toMatch(/no token with id "nosuchtoken1"/);
    expect((await runCliInProcess(['halt', '--account', 'nocolon', '--config', config])).stderr).toMatch(/--account: account id must look like/);
    expect((await runCliInProcess(['resume', '--all', '--cancel-open', '--config', config])).stderr).toMatch(/--cancel-open goes with halt/);
  });

  it('--token halts one token (shown by token show); resume lifts it', async () => {
    const id = await createToken('halted-bot');
    const halted = await runCliInProcess(['halt', '--token', id, '--config', config]);
    expect(halted.stderr).toMatch(new RegExp(`^Halted token ${id}: every brokerql process`));
    expect(halted.stdout).toMatch(new RegExp(`^halted: token ${id} since 20`));
    expect((await runCliInProcess(['token', 'show', id, '--config', config])).stdout).toMatch(new RegExp(`\\nhalted\\s+yes: token ${id} since`));
    const resumed = await runCliInProcess(['resume', '--token', id, '--config', config]);
    expect(resumed.stderr).toBe(`Resumed token ${id}.\n`);
    expect((await runCliInProcess(['resume', '--token', id, '--config', config])).stderr).toBe(`token ${id} was not halted.\n`);
  });

  it('--cancel-open cancels every working order of the account on its broker and prints each', async () => {
    const working = tinkoff.state.activeOrders('2000345678').map((order) => order.orderId);
    expect(working.length).toBeGreaterThan(0);
    const result = await runCliInProcess(['halt', '--account', 'tbank:2000345678', '--cancel-open', '--config', config]);
    expect(result.code).toBe(0);
    for (const orderId of working) expect(result.stdout).toMatch(new RegExp(`^cancelled tbank:2000345678 order ${orderId} \\(.*now CANCELLED\\)$`, 'm'));
    expect(tinkoff.state.activeOrders('2000345678')).toEqual([]);
    // Only that account: the ALOR portfolios' orders are untouched.
    expect([...alor.state.orders.values()].some((order) => order.status === 'working')).toBe(true);
    expect(result.stdout).toMatch(/^halted: account tbank:2000345678 since/m);
    await runCliInProcess(['resume', '--account', 'tbank:2000345678', '--config', config]);
  });

  it('--all --cancel-open reaches every broker; what fails is printed and the exit code says so', async () => {
    const alorWorking = [...alor.state.orders.values()].filter((order) => order.status === 'working').map((order) => order.id);
    alor.server.injectFault({ route: 'DELETE order', fault: { kind: 'status', status: 500 }, times: 1 });
    const result = await runCliInProcess(['halt', '--all', '--cancel-open', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stdout.match(/^failed {4}alor:D3829\d order \d+: /gm)).toHaveLength(1);
    expect(result.stdout.match(/^cancelled alor:D3829\d order \d+/gm)).toHaveLength(alorWorking.length - 1);
    expect(result.stdout).toMatch(/^halted: all trading since/m);
    await runCliInProcess(['resume', '--all', '--config', config]);
  });
});
