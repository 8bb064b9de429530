import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { createGateway, type Gateway } from '../src/server.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens, type TinkoffSimulator } from '../src/simulators/tinkoff/server.js';
import { graphql } from './support/graphql.js';

/**
 * Instrument.candles against the T-Invest simulator: paging across GetCandles' window caps is
 * invisible, values are the simulator's series to the last digit, closed candles are stored (a
 * repeated chart costs no broker call) and the candle still being formed is marked and never stored.
 */

const candlesRoute = 'MarketDataService/GetCandles';
// The simulator's clock: a Monday, half a minute into 10:30 UTC.
let simulatorNow = Date.parse('2026-11-30T10:30:30Z');
let simulator: TinkoffSimulator;
let gateway: Gateway;
let token: string;
let dataDir: string;

beforeAll(async () => {
  simulator = createTinkoffSimulator({ rateLimits: false, now: () => new Date(simulatorNow) });
  await simulator.server.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'brokerql-candles-'));
  const config = parseConfig(
    { dataDir, journal: { enabled: false }, connections: [{ id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: simulator.baseUrl, quota: false }] },
    { env: {} },
  );
  gateway = createGateway(config);
  token = gateway.tokens.create({ name: 'candles', scope: 'READ', accountIds: null, expiresAt: null }).secret;
});

afterAll(async () => {
  await gateway.close();
  await simulator.server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => simulator.server.resetCounters());

interface CandleRow {
  time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  complete: boolean;
}

/** A count as text in the query or as `$last`: both weigh the same against server.limits.maxListItems. */
async function candles(figi: string, argumentsText: string, variables: { last?: number } = {}): Promise<{ rows: CandleRow[] | null; errors: unknown }> {
  const response = await graphql<{ instrument: { candles: CandleRow[] | null } }>(
    gateway,
    `query ${argumentsText.includes('$last') ? '($last: Int)' : ''} { instrument(connection: "tbank", ref: { id: "tbank:${figi}" }) { candles(${argumentsText}) { time open high low close volume complete } } }`,
    { token, variables },
  );
  return { rows: response.data?.instrument.candles ?? null, errors: response.errors };
}

/** The simulator's own series, as the GraphQL answer writes it. */
function series(figi: string, interval: 'MINUTE_1' | 'DAY', from: number, to: number): CandleRow[] {
  return simulator.state.candles.candles(figi, interval, from, to, simulatorNow).map((candle) => ({
    time: new Date(candle.start).toISOString(),
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: String(candle.volume),
    complete: candle.complete,
  }));
}

describe('Instrument.candles on T-Invest', () => {
  it('answers `last: 500` minute candles across the one-day window cap, exactly the simulator\'s series', async () => {
    // Monday 08:00: an hour of Monday (60), then the weekend, then Friday's last 440: three one-day windows.
    const before = Date.parse('2026-11-30T08:00:00Z');
    // Written into the query text, as the example has it (a variable weighs the same: below).
    const { rows, errors } = await candles('BBG004730N88', 'interval: MINUTE_1, last: 500, before: "2026-11-30T08:00:00Z"');
    expect(errors).toBeUndefined();
    expect(rows).toEqual(series('BBG004730N88', 'MINUTE_1', before - 7 * 86_400_000, before).slice(-500));
    expect(rows![0]!.time).toBe('2026-11-27T13:30:00.000Z');
    expect(simulator.server.requestCount(candlesRoute)).toBe(3);
    // Every call stayed within the cap (the simulator refuses a longer window with 30014).
    for (const request of simulator.server.recentRequests(candlesRoute)) {
      const body = JSON.parse(request.body) as { from: string; to: string; limit: number };
      expect(Date.parse(body.to) - Date.parse(body.from)).toBeLessThanOrEqual(86_400_000);
      expect(body.limit).toBe(2400);
    }
  });

  it('answers a repeated request, and any part of it, from the store: no broker call', async () => {
    const first = await candles('BBG004730N88', 'interval: MINUTE_1, last: $last, before: "2026-11-30T08:00:00Z"', { last: 500 });
    const again = await candles('BBG004730N88', 'interval: MINUTE_1, last: $last, before: "2026-11-30T08:00:00Z"', { last: 500 });
    const part = await candles('BBG004730N88', 'interval: MINUTE_1, from: "2026-11-27T18:00:00Z", to: "2026-11-30T07:30:00Z"');
    expect(simulator.server.requestCount(candlesRoute)).toBe(0);
    expect(again.rows).toEqual(first.rows);
    expect(part.rows).toEqual(first.rows!.filter((row) => row.time >= '2026-11-27T18:00:00.000Z' && row.time < '2026-11-30T07:30:00.000Z'));
  });

  it('asks the broker only for the part of a window the store does not cover', async () => {
    const { rows } = await candles('BBG004730N88', 'interval: MINUTE_1, from: "2026-11-30T07:00:00Z", to: "2026-11-30T09:00:00Z"');
    expect(rows).toEqual(series('BBG004730N88', 'MINUTE_1', Date.parse('2026-11-30T07:00:00Z'), Date.parse('2026-11-30T09:00:00Z')));
    expect(simulator.server.requestCount(candlesRoute)).toBe(1);
    const [request] = simulator.server.recentRequests(candlesRoute);
    expect(JSON.parse(request!.body)).toMatchObject({ from: '2026-11-30T08:00:00.000Z', to: '2026-11-30T09:00:00.000Z' });
  });

  it('marks the candle still being formed, never stores it, and stores it once it is closed', async () => {
    const ask = () => candles('BBG333333333', 'interval: MINUTE_1, last: 5, before: "2026-11-30T10:31:00Z"');
    const forming = await ask();
    expect(forming.rows!.map((row) => [row.time, row.complete])).toEqual([
      ['2026-11-30T10:26:00.000Z', true],
      ['2026-11-30T10:27:00.000Z', true],
      ['2026-11-30T10:28:00.000Z', true],
      ['2026-11-30T10:29:00.000Z', true],
      ['2026-11-30T10:30:00.000Z', false],
    ]);
    // TMOS moves in steps of 0.002: the prices are exact decimals, not floats.
    expect(forming.rows).toEqual(series('BBG333333333', 'MINUTE_1', Date.parse('2026-11-30T10:26:00Z'), Date.parse('2026-11-30T10:31:00Z')));
    expect(forming.rows!.every((row) => /^\d+\.\d{1,3}$|^\d+$/.test(row.close))).toBe(true);
    simulator.server.resetCounters();
    await ask();
    // The closed four come from the store; only the forming minute is asked again.
    expect(simulator.server.requestCount(candlesRoute)).toBe(1);
    expect(JSON.parse(simulator.server.recentRequests(candlesRoute)[0]!.body)).toMatchObject({ from: '2026-11-30T10:30:00.000Z' });
    simulatorNow = Date.parse('2026-11-30T10:31:10Z');
    const closed = await ask();
    expect(closed.rows!.at(-1)).toEqual({ ...series('BBG333333333', 'MINUTE_1', Date.parse('2026-11-30T10:30:00Z'), Date.parse('2026-11-30T10:31:00Z'))[0], complete: true });
    simulator.server.resetCounters();
    expect((await ask()).rows).toEqual(closed.rows);
    expect(simulator.server.requestCount(candlesRoute)).toBe(0);
  });

  it('pages day candles across years with one call per six-year window', async () => {
    const { rows } = await candles('BBG004730RP0', 'interval: DAY, from: "2016-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z"');
    expect(rows).toEqual(series('BBG004730RP0', 'DAY', Date.parse('2016-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z')));
    expect(rows!.length).toBeGreaterThan(2_500);
    expect(simulator.server.requestCount(candlesRoute)).toBe(2);
  });

  it('refuses arguments that do not make a request', async () => {
    for (const argumentsText of [
      'interval: MINUTE_1',
      'interval: MINUTE_1, last: 0',
      'interval: MINUTE_1, last: 10001',
      'interval: MINUTE_1, last: 5, before: "2026-11-30T10:00:00Z", to: "2026-11-30T10:00:00Z"',
      'interval: MINUTE_1, from: "2026-11-30T10:00:00Z", to: "2026-11-30T09:00:00Z"',
      'interval: MINUTE_1, from: "2020-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z"',
    ]) {
      const { rows, errors } = await candles('BBG004730N88', argumentsText);
      expect(rows, argumentsText).toBeNull();
      expect(errors, argumentsText).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    }
    expect(simulator.server.requestCount()).toBe(0);
  });
});
