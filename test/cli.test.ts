import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { SseClient } from './support/live-clients.js';
import { ordersFollowed } from './support/live-accounts.js';
import { CliProcess, runCli, runCliInProcess } from './support/cli.js';
import { temporaryDirectory } from './support/temporary-directory.js';

const directory = temporaryDirectory('brokerql-cli');
const simulator = createTinkoffSimulator({ rateLimits: false });

beforeAll(() => simulator.server.start());
afterAll(() => simulator.server.stop());

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('bad input: one clear line on stderr, non-zero exit', () => {
  // Through the real entry point (bin.ts): its exit code is the process's.
  it('prints usage without a command, and names an unknown command', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
    const unknown = await runCli(['serv']);
    expect(unknown.code).toBe(2);
    expect(oneLine(unknown.stderr)).toMatch(/^brokerql: unknown command "serv" \(commands: .*serve/);
  });

  it('names an unknown flag and a bad port', async () => {
    const flag = await runCliInProcess(['serve', '--confg', 'x.yaml']);
    expect(flag.code).toBe(2);
    expect(oneLine(flag.stderr)).toMatch(/^brokerql: Unknown option '--confg'/);
    const port = await runCliInProcess(['serve', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(oneLine(port.stderr)).toBe('brokerql: --port must be a port number from 0 to 65535, received "eighty"');
  });

  it('names the config file and key that is wrong', async () => {
    const missingFile = await runCliInProcess(['serve', '--config', path.join(directory, 'nope.yaml')]);
    expect(missingFile.code).toBe(1);
    expect(oneLine(missingFile.stderr)).toBe(
      `brokerql: ${path.join(directory, 'nope.yaml')}: file not found; write one (README, "Running it for real") or name it with --config or BROKERQL_CONFIG`,
    );

    const file = path.join(directory, 'missing-env.yaml');
    writeFileSync(file, 'connections:\n  - id: tbank\n    broker: tinkoff\n    token: ${TINKOFF_TOKEN}\n');
    const missingVariable = await runCliInProcess(['serve', '--config', file]);
    expect(missingVariable.code).toBe(1);
    expect(oneLine(missingVariable.stderr)).toBe(`brokerql: ${file}: connections[0].token: environment variable TINKOFF_TOKEN is not set`);
  });

  it('reads the config path from BROKERQL_CONFIG', async () => {
    const result = await runCliInProcess(['serve'], { BROKERQL_CONFIG: path.join(directory, 'from-env.yaml') });
    expect(oneLine(result.stderr)).toContain('from-env.yaml: file not found');
  });
});

describe('serve', () => {
  it('serves a config file and stops cleanly on SIGTERM', async () => {
    const file = path.join(directory, 'serve.yaml');
    writeFileSync(file, `server:\n  port: 0\ndataDir: ${path.join(directory, 'serve-data')}\nconnections:\n  - id: tbank\n    broker: tinkoff\n    token: \${TOKEN}\n    baseUrl: ${simulator.baseUrl}\n`);
    const created = await runCliInProcess(['token', 'create', '--name', 'serve-test', '--scope', 'read', '--config', file], { TOKEN: tinkoffSimulatorTokens.full });
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    const cli = new CliProcess(['serve', '--config', file], { TOKEN: tinkoffSimulatorTokens.full, LOG_LEVEL: 'info' });
    const [, url] = await cli.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)"/);
    const response = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ accounts { id } }' }),
    });
    const body = (await response.json()) as { data: { accounts: Array<{ id: string }> } };
    expect(body.data.accounts.map((account) => account.id)).toEqual(['tbank:2000345678', 'tbank:2008765432', 'tbank:2031415926', 'tbank:2019283746']);
    cli.child.kill('SIGTERM');
    expect(await cli.exit()).toBe(0);
  });
});

describe('token and audit commands', () => {
  const configFor = (name: string) => {
    const file = path.join(directory, `${name}.yaml`);
    writeFileSync(file, `dataDir: ${path.join(directory, `${name}-data`)}\nconnections:\n  - id: tbank\n    broker: tinkoff\n    token: ${tinkoffSimulatorTokens.full}\n    baseUrl: ${simulator.baseUrl}\n`);
    return file;
  };

  it('prints a new secret alone on stdout, and never shows it again', async () => {
    const file = configFor('tokens');
    const created = await runCliInProcess(['token', 'create', '--name', 'stats-service', '--scope', 'read', '--accounts', 'tbank:2000345678', '--expires-in', '30d', '--config', file]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^bql_[a-z0-9]{12}_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toMatch(/Created READ token [a-z0-9]{12} "stats-service" for tbank:2000345678, expiring 20\d\d-/);
    const secret = created.stdout.trim();
    const listed = await runCliInProcess(['token', 'list', '--config', file]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+SCOPE\s+ACCOUNTS\s+CREATED\s+EXPIRES\s+LAST USED\s+REVOKED/);
    expect(listed.stdout).toContain('stats-service');
    expect(listed.stdout).toContain('tbank:2000345678');
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).not.toContain(secret.slice(17));
  });

  it('refuses accounts that are not in the config or not at the broker, and bad flags', async () => {
    const file = configFor('refusals');
    const unknownConnection = await runCliInProcess(['token', 'create', '--name', 'x', '--scope', 'read', '--accounts', 'alor:D1', '--config', file]);
    expect(unknownConnection.code).toBe(2);
    expect(oneLine(unknownConnection.stderr)).toBe('brokerql: --accounts: alor:D1 names connection "alor", which is not in the config (connections: tbank)');
    const unknownAccount = await runCliInProcess(['token', 'create', '--name', 'x', '--scope', 'read', '--accounts', 'tbank:123', '--config', file]);
    expect(oneLine(unknownAccount.stderr)).toBe('brokerql: --accounts: tbank:123 does not exist (accounts of "tbank": tbank:2000345678, tbank:2008765432, tbank:2031415926, tbank:2019283746)');
    const badScope = await runCliInProcess(['token', 'create', '--name', 'x', '--scope', 'admin', '--config', file]);
    expect(oneLine(badScope.stderr)).toBe('brokerql: --scope must be read or trade');
    const noScope = await runCliInProcess(['token', 'create', '--name', 'x', '--config', file]);
    expect(noScope.code).toBe(2);
    expect(oneLine(noScope.stderr)).toBe('brokerql: --scope is required: read (queries only) or trade (also placeOrder and cancelOrder)');
    const badExpiry = await runCliInProcess(['token', 'create', '--name', 'x', '--scope', 'read', '--expires-in', 'soon', '--config', file]);
    expect(oneLine(badExpiry.stderr)).toMatch(/--expires-in must look like 30d/);
    const unknownToken = await runCliInProcess(['token', 'revoke', 'nosuchtoken1', '--config', file]);
    expect(unknownToken.code).toBe(2);
    expect(oneLine(unknownToken.stderr)).toMatch(/no token with id "nosuchtoken1"/);
    for (const result of [unknownConnection, unknownAccount, badScope, badExpiry]) expect(result.stdout).toBe('');
  });

  it('prints the audit log newest first', async () => {
    const file = configFor('audit');
    const empty = await runCliInProcess(['audit', '--config', file]);
    expect(empty.stderr).toMatch(/audit log is empty/);
    const { AuditLog } = await import('../src/auth/audit-log.js');
    const { openDatabase } = await import('../src/storage/database.js');
    const database = openDatabase(path.join(directory, 'audit-data'));
    const log = new AuditLog(database);
    const base = { tokenId: 'abc', tokenName: 'bot', accountId: 'tbank:1', instrument: 'figi:X', side: 'BUY', type: 'LIMIT', lots: 1, price: '10', idempotencyKey: null, orderId: null, brokerOrderId: null, errorCode: null, message: null };
    log.record({ ...base, mutation: 'placeOrder', outcome: 'rejected', errorCode: 'FORBIDDEN' });
    log.record({ ...base, mutation: 'placeOrder', outcome: 'ok', brokerOrderId: '555' });
    database.close();
    const result = await runCliInProcess(['audit', '--limit', '5', '--config', file]);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+TOKEN\s+MUTATION/);
    expect(lines[1]).toMatch(/bot \(abc\)\s+placeOrder\s+tbank:1\s+figi:X\s+BUY\s+LIMIT\s+1\s+10\s+-\s+ok\s+555/);
    expect(lines[2]).toMatch(/rejected\s+-\s+FORBIDDEN/);
    const badLimit = await runCliInProcess(['audit', '--limit', 'all', '--config', file]);
    expect(oneLine(badLimit.stderr)).toMatch(/--limit must be a whole number/);
  });
});

describe('backup', () => {
  it('copies the database while it is open elsewhere, never overwrites, and the copy opens with every token', async () => {
    const file = path.join(directory, 'backup.yaml');
    const dataDirectory = path.join(directory, 'backup-data');
    writeFileSync(file, `dataDir: ${dataDirectory}\nconnections:\n  - id: tbank\n    broker: tinkoff\n    token: ${tinkoffSimulatorTokens.full}\n    baseUrl: ${simulator.baseUrl}\n`);
    const created = await runCliInProcess(['token', 'create', '--name', 'kept', '--scope', 'read', '--config', file]);
    expect(created.code).toBe(0);
    const { openDatabase } = await import('../src/storage/database.js');
    const { TokenStore } = await import('../src/auth/tokens.js');
    // A gateway's connection stays open (WAL mode) during the backup.
    const live = openDatabase(dataDirectory);
    const target = path.join(directory, 'copy', 'brokerql-backup.db');
    mkdirSync(path.dirname(target));
    try {
      const result = await runCliInProcess(['backup', target, '--config', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${target}\n`);
      expect(result.stderr).toMatch(/^Backed up .*brokerql\.db \(\d+ pages\) to .*brokerql-backup\.db\. To restore: stop brokerql/m);
      expect(result.stderr).not.toContain(created.stdout.trim());
    } finally {
      live.close();
    }
    expect(statSync(target).mode & 0o777).toBe(0o600);
    // Restored as a data dir of its own, the copy authenticates the token issued before it.
    const restoredDirectory = path.join(directory, 'restored-data');
    mkdirSync(restoredDirectory);
    copyFileSync(target, path.join(restoredDirectory, 'brokerql.db'));
    const restored = openDatabase(restoredDirectory);
    try {
      const authentication = new TokenStore(restored).authenticate(created.stdout.trim());
      expect(authentication).toMatchObject({ viewer: { name: 'kept', scope: 'READ' } });
    } finally {
      restored.close();
    }
    const again = await runCliInProcess(['backup', target, '--config', file]);
    expect(again.code).toBe(2);
    expect(oneLine(again.stderr)).toBe(`brokerql: ${target} already exists; brokerql backup never overwrites a file`);
    const noFile = await runCliInProcess(['backup', '--config', file]);
    expect(oneLine(noFile.stderr)).toBe('brokerql: usage: brokerql backup FILE [--config FILE]');
  });
});

describe('check', () => {
  it('lists every connection that works, names why the others fail, and exits non-zero', async () => {
    const down = createTinkoffSimulator();
    await down.server.start();
    const unreachable = down.baseUrl;
    await down.server.stop();
    const file = path.join(directory, 'check.yaml');
    writeFileSync(
      file,
      [
        `dataDir: ${path.join(directory, 'check-data')}`,
        'connections:',
        `  - { id: good, broker: tinkoff, token: ${tinkoffSimulatorTokens.full}, baseUrl: ${simulator.baseUrl} }`,
        `  - { id: wrong-token, broker: tinkoff, token: t.not-a-real-token, baseUrl: ${simulator.baseUrl} }`,
        `  - { id: wrong-url, broker: tinkoff, token: ${tinkoffSimulatorTokens.full}, baseUrl: ${simulator.baseUrl}/wrong }`,
        `  - { id: no-host, broker: tinkoff, token: ${tinkoffSimulatorTokens.full}, baseUrl: ${unreachable}, connectTimeoutMs: 500 }`,
        '',
      ].join('\n'),
    );
    const result = await runCliInProcess(['check', '--config', file]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CONNECTION\s+BROKER\s+STATUS\s+ACCOUNTS\s+CAPABILITIES/);
    expect(lines[1]).toMatch(/^good\s+tinkoff\s+ok\s+2000345678 \(BROKERAGE\), 2008765432 \(IIS\), 2031415926 \(BROKERAGE, read-only\), 2019283746 \(BROKERAGE, closed\)\s+trading \(LIMIT\/MARKET\), orderbook, operations$/);
    expect(lines[2]).toMatch(/^wrong-token\s+tinkoff\s+FAILED/);
    const errors = result.stderr.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^brokerql: wrong-token: wrong or expired credential — T-Invest refused the API token/);
    expect(errors[1]).toMatch(/^brokerql: wrong-url: wrong base URL \(the broker answered HTTP 404/);
    expect(errors[2]).toMatch(/^brokerql: no-host: unreachable host — T-Invest is unreachable \(connection refused\)/);
    expect(result.stdout + result.stderr).not.toContain(tinkoffSimulatorTokens.full);
    expect(result.stdout + result.stderr).not.toContain('t.not-a-real-token');
  });

  it('exits 0 when every connection answers', async () => {
    const file = path.join(directory, 'check-ok.yaml');
    writeFileSync(file, `connections:\n  - { id: good, broker: tinkoff, token: ${tinkoffSimulatorTokens.full}, baseUrl: ${simulator.baseUrl} }\n`);
    const result = await runCliInProcess(['check', '--config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe('demo', () => {
  it('starts simulators and a gateway, prints GraphiQL and a curl line, and cleans up on Ctrl-C', async () => {
    const cli = new CliProcess(['demo', '--port', '0']);
    const [, url] = await cli.waitFor(/GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/);
    const [, configFile] = await cli.waitFor(/Config\s+(\S+brokerql\.yaml)/);
    const [, readToken] = await cli.waitFor(/READ token\s+(bql_\S+)/);
    const [, tradeToken] = await cli.waitFor(/TRADE token\s+(bql_\S+)/);
    await cli.waitFor(/curl -s http:\/\/127\.0\.0\.1:\d+\/graphql .*\n.*authorization: Bearer bql_/);
    // GraphiQL opens with the READ token already in its headers editor.
    const page = await (await fetch(url!, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain(readToken);
    expect(page).not.toContain(tradeToken);
    const response = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${readToken}` },
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

    // The printed `curl -N` line streams the simulated market's book, which moves.
    const [, subscriptionBody] = await cli.waitFor(/curl -N http:\/\/127\.0\.0\.1:\d+\/graphql -H 'accept: text\/event-stream'[^\n]*\n[^\n]*authorization: Bearer bql_[^\n]*\n\s*-d '([^']+)'/);
    const live = await SseClient.open(url!.replace(/\/graphql$/, ''), { query: (JSON.parse(subscriptionBody!) as { query: string }).query, token: readToken });
    const first = await live.next();
    await live.next((result) => result.data.orderbook.asOf !== first.data.orderbook.asOf, 'the book to move');
    live.close();

    // The printed account subscription reports the order the printed mutation places.
    const [, accountBody, orderBody] = await cli.waitFor(
      /Live account[^\n]*\n\s*curl -N [^\n]*\n[^\n]*authorization: Bearer bql_[^\n]*\n\s*-d '([^']+)'\n[^\n]*TRADE token[^\n]*\n\s*curl -s [^\n]*\n[^\n]*authorization: Bearer (?:bql_\S+)[^\n]*\n\s*-d '([^']+)'/,
    );
    const orders = await SseClient.open(url!.replace(/\/graphql$/, ''), { query: (JSON.parse(accountBody!) as { query: string }).query, token: readToken });
    expect(orders.results).toEqual([]);
    // Events are news from the moment the account is followed: until then an order is not news.
    await ordersFollowed({ url: url!.replace(/\/graphql$/, '') });
    const placed = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tradeToken}` }, body: orderBody! });
    const order = ((await placed.json()) as { data: { placeOrder: { id: string } } }).data.placeOrder;
    const filled = await orders.next((result) => result.data.orderEvents.order.id === order.id && result.data.orderEvents.kind === 'FILLED', 'the placed order to fill');
    expect(filled.data.orderEvents.order).toMatchObject({ status: 'FILLED', executedLots: '1' });
    orders.close();
    cli.child.kill('SIGINT');
    expect(await cli.exit()).toBe(0);
    expect(existsSync(configFile!)).toBe(false);
  });
});
