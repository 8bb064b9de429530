import { Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { SecretRegistry } from '../src/secrets.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { CliProcess, runCliInProcess } from './support/cli.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';
import { temporaryDirectory } from './support/temporary-directory.js';
import { unknownToken } from './support/tokens.js';

const logLines: string[] = [];
const captured = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const secrets = new SecretRegistry();
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    secrets,
    logger: createLogger({ level: 'debug', pretty: false, destination: captured, redact: (text) => secrets.redact(text) }),
    extraConnections: [{ id: 'down', broker: 'tinkoff', token: 't.down-token-value', baseUrl: 'http://127.0.0.1:9/rest', connectTimeoutMs: 200 }],
  });
});
afterAll(() => stack.close());

const parsedLines = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('structured logs', () => {
  it('writes one line per GraphQL request with operation, token id, duration, broker calls and error codes', async () => {
    logLines.length = 0;
    await graphql(stack.gateway, 'query Statistics { accounts { id portfolio { cash { amount } } } }', { token: stack.readToken });
    const requests = parsedLines().filter((line) => line['msg'] === 'graphql request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      level: 30,
      operation: 'Statistics',
      tokenId: stack.readToken.slice(4, 16),
      status: 200,
      errorCodes: ['UPSTREAM_UNAVAILABLE'],
    });
    expect(requests[0]!['brokerCalls']).toBeGreaterThanOrEqual(3);
    expect(typeof requests[0]!['durationMs']).toBe('number');
    const brokerCalls = parsedLines().filter((line) => line['msg'] === 'broker call');
    expect(brokerCalls.length).toBeGreaterThanOrEqual(3);
    expect(brokerCalls[0]).toMatchObject({ level: 20, connection: expect.any(String), route: expect.any(String) });
  });

  it('logs a refused request too, and never a token, password or broker secret', async () => {
    logLines.length = 0;
    await graphql(stack.gateway, '{ accounts { id } }', { token: unknownToken() });
    await graphql(stack.gateway, 'mutation { placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, type: MARKET, lots: 1 }) { id } }', {
      token: stack.tradeToken,
    });
    const requests = parsedLines().filter((line) => line['msg'] === 'graphql request');
    expect(requests[0]).toMatchObject({ status: 401, errorCodes: ['UNAUTHENTICATED'], operation: 'none' });
    const everything = logLines.join('\n');
    for (const secret of [stack.readToken, stack.tradeToken, 'B'.repeat(43), tinkoffSimulatorTokens.full, 't.down-token-value']) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/authorization/i);
  });
});

describe('/metrics', () => {
  it('exposes requests, broker calls, cache lookups, circuit state and audit outcomes in Prometheus format', async () => {
    await graphql(stack.gateway, 'query Twice { accounts { id } }', { token: stack.readToken });
    const response = await stack.gateway.yoga.fetch('http://brokerql.test/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/brokerql_graphql_requests_total\{operation="Twice",outcome="UPSTREAM_UNAVAILABLE"\} 1/);
    expect(text).toMatch(/brokerql_graphql_request_duration_seconds_bucket\{le="[^"]+",operation="Twice"\}/);
    expect(text).toMatch(/brokerql_broker_calls_total\{connection="tbank",route="UsersService\/GetAccounts",status="200"\} \d+/);
    expect(text).toMatch(/brokerql_broker_calls_total\{connection="down",route="UsersService\/GetAccounts",status="error"\} \d+/);
    expect(text).toMatch(/brokerql_cache_lookups_total\{connection="tbank",cache="accounts",result="hit"\} \d+/);
    expect(text).toMatch(/brokerql_circuit_state\{connection="tbank"\} 0/);
    expect(text).toMatch(/brokerql_audit_entries_total\{mutation="placeOrder",outcome="ok"\} 1/);
    expect(text).toMatch(/brokerql_process_resident_memory_bytes \d+/);
    expect(text).not.toContain('bql_');
  });
});

describe('/readyz', () => {
  it('reports each connection from what the gateway already knows, without calling a broker', async () => {
    const before = stack.tinkoff.server.requestCount();
    const response = await stack.gateway.yoga.fetch('http://brokerql.test/readyz');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: string; connections: Array<Record<string, unknown>> };
    expect(body.status).toBe('ready');
    expect(body.database).toBe('open');
    expect(body.connections).toEqual([
      expect.objectContaining({ id: 'tbank', broker: 'tinkoff', state: 'ok', failingSince: null }),
      expect.objectContaining({ id: 'down', broker: 'tinkoff', state: expect.stringMatching(/^(failing|circuit open)$/), failingSince: expect.any(String) }),
    ]);
    expect(stack.tinkoff.server.requestCount()).toBe(before);
  });
});

describe('serve: metrics port and graceful shutdown', () => {
  const directory = temporaryDirectory('brokerql-serve');
  const simulator = createTinkoffSimulator({ rateLimits: false });

  beforeAll(() => simulator.server.start());
  afterAll(() => simulator.server.stop());

  it('finishes a request in flight on SIGTERM, refuses new ones, then exits 0', async () => {
    const file = path.join(directory, 'brokerql.yaml');
    writeFileSync(
      file,
      `server:\n  port: 0\nmetrics:\n  port: 0\ndataDir: ${path.join(directory, 'data')}\nconnections:\n  - id: tbank\n    broker: tinkoff\n    token: ${tinkoffSimulatorTokens.full}\n    baseUrl: ${simulator.baseUrl}\n`,
    );
    const token = (await runCliInProcess(['token', 'create', '--name', 'shutdown', '--scope', 'read', '--config', file])).stdout.trim();
    const cli = new CliProcess(['serve', '--config', file]);
    const [, url, metricsUrl] = await cli.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)","metrics":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/);
    expect(url).not.toBe(metricsUrl?.replace('/metrics', '/graphql'));
    const metrics = await fetch(metricsUrl!);
    expect(await metrics.text()).toContain('brokerql_graphql_requests_total');
    expect((await fetch(url!.replace('/graphql', '/metrics'))).status).not.toBe(200);

    simulator.server.setLatency(1_500);
    const slow = fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ accounts { id } }' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    cli.child.kill('SIGTERM');
    await cli.waitFor(/shutting down/);
    await expect(fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).rejects.toThrow();
    const response = await slow;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { accounts: unknown[] } };
    expect(body.data.accounts).toHaveLength(4);
    expect(await cli.exit()).toBe(0);
    simulator.server.setLatency(0);
  });
});
