import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { CliProcess, runCli } from './support/cli.js';

const directory = mkdtempSync(path.join(tmpdir(), 'brokerql-cli-'));
const simulator = createTinkoffSimulator({ rateLimits: false });

beforeAll(() => simulator.server.start());
afterAll(() => simulator.server.stop());

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('bad input: one clear line on stderr, non-zero exit', () => {
  it('prints usage without a command, and names an unknown command', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
    const unknown = await runCli(['serv']);
    expect(unknown.code).toBe(2);
    expect(oneLine(unknown.stderr)).toMatch(/^brokerql: unknown command "serv" \(commands: .*serve/);
  });

  it('names an unknown flag and a bad port', async () => {
    const flag = await runCli(['serve', '--confg', 'x.yaml']);
    expect(flag.code).toBe(2);
    expect(oneLine(flag.stderr)).toMatch(/^brokerql: Unknown option '--confg'/);
    const port = await runCli(['serve', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(oneLine(port.stderr)).toBe('brokerql: --port must be a port number from 0 to 65535, received "eighty"');
  });

  it('names the config file and key that is wrong', async () => {
    const missingFile = await runCli(['serve', '--config', path.join(directory, 'nope.yaml')]);
    expect(missingFile.code).toBe(1);
    expect(oneLine(missingFile.stderr)).toBe(`brokerql: ${path.join(directory, 'nope.yaml')}: file not found`);

    const file = path.join(directory, 'missing-env.yaml');
    writeFileSync(file, 'connections:\n  - id: tbank\n    broker: tinkoff\n    token: ${TINKOFF_TOKEN}\n');
    const missingVariable = await runCli(['serve', '--config', file]);
    expect(missingVariable.code).toBe(1);
    expect(oneLine(missingVariable.stderr)).toBe(`brokerql: ${file}: connections[0].token: environment variable TINKOFF_TOKEN is not set`);
  });

  it('reads the config path from BROKERQL_CONFIG', async () => {
    const result = await runCli(['serve'], { BROKERQL_CONFIG: path.join(directory, 'from-env.yaml') });
    expect(oneLine(result.stderr)).toContain('from-env.yaml: file not found');
  });
});

describe('serve', () => {
  it('serves a config file and stops cleanly on SIGTERM', async () => {
    const file = path.join(directory, 'serve.yaml');
    writeFileSync(file, `server:\n  port: 0\nconnections:\n  - id: tbank\n    broker: tinkoff\n    token: \${TOKEN}\n    baseUrl: ${simulator.baseUrl}\n`);
    const cli = new CliProcess(['serve', '--config', file], { TOKEN: tinkoffSimulatorTokens.full, LOG_LEVEL: 'info' });
    const [, url] = await cli.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)"/);
    const response = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ accounts { id } }' }),
    });
    const body = (await response.json()) as { data: { accounts: Array<{ id: string }> } };
    expect(body.data.accounts.map((account) => account.id)).toEqual(['tbank:2000345678', 'tbank:2008765432']);
    cli.child.kill('SIGTERM');
    expect(await cli.exit()).toBe(0);
  });
});

describe('demo', () => {
  it('starts simulators and a gateway, prints GraphiQL and a curl line, and cleans up on Ctrl-C', async () => {
    const cli = new CliProcess(['demo', '--port', '0']);
    const [, url] = await cli.waitFor(/GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/);
    const [, configFile] = await cli.waitFor(/Config\s+(\S+brokerql\.yaml)/);
    await cli.waitFor(/curl -s http:\/\/127\.0\.0\.1:\d+\/graphql/);
    const response = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          '{ accounts { id portfolio { positions { quantity averagePrice { amount currency } instrument { ticker name lotSize } } cash { amount currency } } operations(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { type payment { amount currency } } orders { id status } } }',
      }),
    });
    const body = (await response.json()) as { data: { accounts: Array<Record<string, any>> }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const tbank = body.data.accounts.find((account) => account['id'] === 'tbank:2000345678')!;
    expect(tbank['portfolio'].cash).toContainEqual({ amount: '20230.55', currency: 'RUB' });
    expect(tbank['orders'].length).toBeGreaterThan(0);
    expect(existsSync(configFile!)).toBe(true);
    cli.child.kill('SIGINT');
    expect(await cli.exit()).toBe(0);
    expect(existsSync(configFile!)).toBe(false);
  });
});
