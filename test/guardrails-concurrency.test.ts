import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/server.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { dayIn } from '../src/trading/trading-hours.js';
import { CliProcess, runCliInProcess } from './support/cli.js';
import { graphql } from './support/graphql.js';
import { orderInput, placeOrder, policyToken } from './support/guardrails.js';
import { startStack } from './support/stack.js';
import { temporaryDirectory } from './support/temporary-directory.js';

/**
 * Issue 17, "How it must behave" 1: the check and the reservation are one IMMEDIATE transaction
 * in the data dir's SQLite, so 20 concurrent orders against maxOrdersPerDay: 5 place exactly 5 —
 * in one gateway, in two gateways on one data dir, in two `brokerql serve` processes — and the
 * counters outlive a restart. The kill switch reaches every process from its next order.
 */

const burst = 20;
const limit = 5;

describe('one gateway, and two on one data dir', () => {
  it('20 concurrent orders against maxOrdersPerDay: 5 place exactly 5, and a restarted gateway still counts them', async () => {
    const stack = await startStack();
    try {
      const { secret, id } = policyToken(stack.gateway, { maxOrdersPerDay: limit });
      const before = stack.tinkoff.state.orders.size;
      const results = await Promise.all(Array.from({ length: burst }, () => placeOrder(stack.gateway, secret, { price: '270' })));
      expect(results.filter((result) => !result.errors)).toHaveLength(limit);
      expect(stack.tinkoff.state.orders.size - before).toBe(limit);
      for (const refused of results.filter((result) => result.errors)) {
        expect(refused.errors![0]!.extensions).toEqual({ code: 'RISK_LIMIT_EXCEEDED', rule: 'maxOrdersPerDay', limit: '5', value: '6', retryable: false });
      }
      expect(stack.gateway.audit.recent(burst).filter((row) => row.rule === 'maxOrdersPerDay')).toHaveLength(burst - limit);

      // A new gateway on the same data dir: the five are still today's.
      const restarted = createGateway(stack.config);
      try {
        const again = await placeOrder(restarted, secret, { price: '270' });
        expect(again.errors![0]!.extensions).toMatchObject({ rule: 'maxOrdersPerDay', value: '6' });
        const rows = restarted.audit.recent(1);
        expect(rows[0]).toMatchObject({ tokenId: id, rule: 'maxOrdersPerDay' });
      } finally {
        await restarted.close();
      }
      expect(stack.tinkoff.state.orders.size - before).toBe(limit);
    } finally {
      await stack.close();
    }
  });

  it('two gateways sharing a data dir split a burst of 20 and still place exactly 5', async () => {
    const stack = await startStack();
    const second = createGateway(stack.config);
    try {
      const { secret } = policyToken(stack.gateway, { maxOrdersPerDay: limit });
      const before = stack.tinkoff.state.orders.size;
      const results = await Promise.all(
        Array.from({ length: burst }, (_, index) => placeOrder(index % 2 === 0 ? stack.gateway : second, secret, { price: '270' })),
      );
      expect(results.filter((result) => !result.errors)).toHaveLength(limit);
      expect(stack.tinkoff.state.orders.size - before).toBe(limit);
    } finally {
      await second.close();
      await stack.close();
    }
  });

  it('an order whose fate is unknown stays counted; one the broker refused is released', async () => {
    const stack = await startStack();
    try {
      const { secret, id } = policyToken(stack.gateway, { maxOrdersPerDay: 2 });
      // T-Invest takes the orderId but cannot report on it (30057 to the resend): unknown.
      stack.tinkoff.state.reportsDelayed = true;
      stack.tinkoff.server.injectFault({ route: 'OrdersService/PostOrder', fault: { kind: 'drop' }, afterHandling: true, times: 1 });
      const unknown = await placeOrder(stack.gateway, secret, { type: 'MARKET', idempotencyKey: 'unknown-1' });
      expect(unknown.errors![0]!.message).toMatch(/whether the order was placed is unknown/);
      stack.tinkoff.state.reportsDelayed = false;
      stack.tinkoff.state.exchangeRejectsNext = 1;
      const rejected = await placeOrder(stack.gateway, secret, { price: '270' });
      expect(rejected.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED' });
      const day = dayIn(new Date(), 'Europe/Moscow');
      const states = stack.gateway.database
        .prepare('SELECT state FROM risk_reservations WHERE token_id = ? AND day = ? ORDER BY id')
        .all(id, day)
        .map((row) => (row as { state: string }).state);
      expect(states).toEqual(['unknown', 'released']);
      const usage = await graphql(stack.gateway, '{ viewer { usage { ordersToday } } }', { token: secret });
      expect(usage.data).toEqual({ viewer: { usage: { ordersToday: 1 } } });
      // The repeat re-checks its key (T-Invest deduplicates by it) and takes over the first attempt's place: still one order.
      const repeat = await placeOrder(stack.gateway, secret, { type: 'MARKET', idempotencyKey: 'unknown-1' });
      expect(repeat.errors).toBeUndefined();
      const after = stack.gateway.database.prepare('SELECT state FROM risk_reservations WHERE token_id = ? ORDER BY id').all(id);
      expect(after).toEqual([{ state: 'placed' }, { state: 'released' }]);
      // Room for one more today (2): the repeat did not count twice.
      expect((await placeOrder(stack.gateway, secret, { price: '270' })).errors).toBeUndefined();
      expect((await placeOrder(stack.gateway, secret, { price: '270' })).errors![0]!.extensions).toMatchObject({ rule: 'maxOrdersPerDay' });
    } finally {
      await stack.close();
    }
  });
});

describe('two brokerql serve processes on one data dir', () => {
  const directory = temporaryDirectory('brokerql-guardrails');
  const simulator = createTinkoffSimulator({ rateLimits: false });
  const config = path.join(directory, 'brokerql.yaml');
  const env = { TOKEN: tinkoffSimulatorTokens.full, LOG_LEVEL: 'info' };
  let urls: string[] = [];

  beforeAll(async () => {
    await simulator.server.start();
    simulator.state.cash.get('2000345678')!.set('rub', '10000000');
    writeFileSync(
      config,
      `server:\n  port: 0\ndataDir: ${path.join(directory, 'data')}\nconnections:\n  - id: tbank\n    broker: tinkoff\n    token: \${TOKEN}\n    baseUrl: ${simulator.baseUrl}\n    quota: false\n`,
    );
  });
  afterAll(() => simulator.server.stop());

  async function post(url: string, secret: string, query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ extensions: Record<string, unknown> }> };
  }
  const order = (url: string, secret: string) =>
    post(url, secret, 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', { input: orderInput({ price: '270' }) });

  it('place exactly 5 of 20, and both refuse every order from the moment brokerql halt returns', async () => {
    const policyFile = path.join(directory, 'policy.yaml');
    writeFileSync(policyFile, `maxOrdersPerDay: ${limit}\norderTypes: [LIMIT]\n`);
    const created = await runCliInProcess(['token', 'create', '--name', 'bot', '--scope', 'trade', '--policy', policyFile, '--config', config], env);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/with a risk policy/);
    const secret = created.stdout.trim();

    const processes = [new CliProcess(['serve', '--config', config], env), new CliProcess(['serve', '--config', config], env)];
    urls = await Promise.all(processes.map(async (process) => (await process.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)"/))[1]!));
    const before = simulator.state.orders.size;
    const results = await Promise.all(Array.from({ length: burst }, (_, index) => order(urls[index % 2]!, secret)));
    expect(results.filter((result) => !result.errors)).toHaveLength(limit);
    expect(simulator.state.orders.size - before).toBe(limit);
    expect(results.filter((result) => result.errors?.[0]?.extensions['rule'] === 'maxOrdersPerDay')).toHaveLength(burst - limit);

    // A second token with no policy: only the kill switch stands in its way.
    const free = (await runCliInProcess(['token', 'create', '--name', 'free', '--scope', 'trade', '--config', config], env)).stdout.trim();
    const halted = await runCliInProcess(['halt', '--all', '--config', config], env);
    expect(halted.code).toBe(0);
    expect(halted.stdout).toMatch(/^halted: all trading since 20/);
    for (const url of urls) {
      const refused = await order(url, free);
      expect(refused.errors![0]!.extensions).toEqual({ code: 'TRADING_HALTED' });
      const viewer = await post(url, free, '{ viewer { halted } }');
      expect(viewer.data).toEqual({ viewer: { halted: true } });
    }
    expect(simulator.state.orders.size - before).toBe(limit);

    const resumed = await runCliInProcess(['resume', '--all', '--config', config], env);
    expect(resumed.stdout).toBe('halted: nothing\n');
    expect((await order(urls[1]!, free)).errors).toBeUndefined();
    const audit = await runCliInProcess(['audit', '--limit', '6', '--config', config], env);
    expect(audit.stdout).toMatch(/brokerql CLI\s+resume/);
    expect(audit.stdout).toMatch(/brokerql CLI\s+halt/);

    for (const process of processes) process.child.kill('SIGTERM');
    await Promise.all(processes.map((process) => process.exit()));
  });
});
