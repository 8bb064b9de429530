import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alorSimulatorRefreshTokens, createAlorSimulator, type AlorSimulator } from '../../src/simulators/alor/server.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens, type TinkoffSimulator } from '../../src/simulators/tinkoff/server.js';
import { createTinkoffV1Simulator, tinkoffV1SimulatorTokens, type TinkoffV1Simulator } from '../../src/simulators/tinkoff-v1/server.js';

/**
 * The simulators' history routes over loopback HTTP, as a client sees them: the candle routes
 * with each broker's own refusals (window caps, limit caps), and the history fault switches
 * (a row dropped or repeated at a page seam, ids changing, a row delivered late).
 */

let tinkoff: TinkoffSimulator;
let v1: TinkoffV1Simulator;
let alor: AlorSimulator;
let alorToken: string;

beforeAll(async () => {
  tinkoff = createTinkoffSimulator({ rateLimits: false });
  v1 = createTinkoffV1Simulator({ rateLimits: false });
  alor = createAlorSimulator({ rateLimits: false });
  await Promise.all([tinkoff.server.start(), v1.server.start(), alor.server.start()]);
  const refreshed = await fetch(`${alor.authUrl}/refresh?token=${alorSimulatorRefreshTokens.valid}`, { method: 'POST' });
  alorToken = ((await refreshed.json()) as { AccessToken: string }).AccessToken;
});

afterAll(() => Promise.all([tinkoff.server.stop(), v1.server.stop(), alor.server.stop()]));

async function tinkoffCall(method: string, body: Record<string, unknown>) {
  const response = await fetch(`${tinkoff.baseUrl}/tinkoff.public.invest.api.contract.v1.${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tinkoffSimulatorTokens.full}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const minuteWindow = { instrumentId: 'BBG004730N88', interval: 'CANDLE_INTERVAL_1_MIN' };

describe('candle routes', () => {
  it('T-Invest GetCandles: a window within the cap, and its refusals', async () => {
    const ok = await tinkoffCall('MarketDataService/GetCandles', { ...minuteWindow, from: '2026-11-27T10:00:00Z', to: '2026-11-27T10:05:00Z', limit: 2400 });
    expect(ok.status).toBe(200);
    expect(ok.body.candles.map((candle: { time: string }) => candle.time)).toEqual(['00', '01', '02', '03', '04'].map((minute) => `2026-11-27T10:${minute}:00.000Z`));
    expect(ok.body.candles[0]).toMatchObject({ open: { units: expect.any(String), nano: expect.any(Number) }, volume: expect.stringMatching(/^\d+$/), isComplete: true });
    const refusals: Array<[Record<string, unknown>, number]> = [
      [{ ...minuteWindow, from: '2026-11-26T10:00:00Z', to: '2026-11-27T10:00:01Z' }, 30014],
      [{ ...minuteWindow, from: '2026-11-27T09:00:00Z', to: '2026-11-27T10:00:00Z', limit: 2401 }, 30069],
      [{ ...minuteWindow, to: '2026-11-27T10:00:00Z' }, 30001],
      [{ ...minuteWindow, from: '2026-11-27T10:00:00Z', to: '2026-11-27T09:00:00Z' }, 30012],
      [{ ...minuteWindow, interval: 'CANDLE_INTERVAL_2_MIN', from: '2026-11-27T09:00:00Z', to: '2026-11-27T10:00:00Z' }, 30011],
      [{ ...minuteWindow, interval: 'CANDLE_INTERVAL_MONTH', from: '2010-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', limit: 120 }, 30014],
    ];
    for (const [body, description] of refusals) {
      const refused = await tinkoffCall('MarketDataService/GetCandles', body);
      expect([refused.status, refused.body.description], JSON.stringify(body)).toEqual([400, description]);
    }
  });

  it('Tinkoff v1 /market/candles: the resolution\'s longest period, v1\'s validation error past it', async () => {
    const ask = (from: string, to: string, interval = '1min') => {
      const url = new URL(`${v1.baseUrl}/market/candles`);
      for (const [key, value] of Object.entries({ figi: 'BBG004730N88', from, to, interval })) url.searchParams.set(key, value);
      return fetch(url, { headers: { authorization: `Bearer ${tinkoffV1SimulatorTokens.trading}` } });
    };
    const ok = await ask('2026-11-27T13:00:00+03:00', '2026-11-27T13:03:00+03:00');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^\{"trackingId":"[0-9a-f]{16}","payload":\{"figi":"BBG004730N88","interval":"1min","candles":\[\{"figi":"BBG004730N88","interval":"1min","o":\d+(\.\d+)?,"c":/);
    const tooLong = await ask('2026-11-26T13:00:00+03:00', '2026-11-27T13:00:01+03:00');
    expect(tooLong.status).toBe(500);
    expect(((await tooLong.json()) as any).payload.code).toBe('VALIDATION_ERROR');
    expect((await ask('2026-11-27T13:00:00+03:00', '2026-11-27T14:00:00+03:00', '2min')).status).toBe(500);
  });

  it('ALOR /md/v2/history: a window, countBack reaching further back, and 400 for what it cannot read', async () => {
    const ask = (query: Record<string, string | number>) => {
      const url = new URL(`${alor.apiUrl}/md/v2/history`);
      for (const [key, value] of Object.entries({ symbol: 'SBER', exchange: 'MOEX', format: 'Simple', ...query })) url.searchParams.set(key, String(value));
      return fetch(url, { headers: { authorization: `Bearer ${alorToken}` } });
    };
    const to = Date.parse('2026-11-30T07:05:00Z') / 1000;
    const window = (await (await ask({ tf: 60, from: to - 300, to: to - 1 })).json()) as { history: Array<{ time: number }> };
    expect(window.history.map((candle) => candle.time)).toEqual([0, 1, 2, 3, 4].map((minute) => to - 300 + minute * 60));
    // Monday 07:00–07:05 holds five; countBack 100 reaches back into Friday.
    const counted = (await (await ask({ tf: 60, from: to - 1, to: to - 1, countBack: 100 })).json()) as { history: Array<{ time: number }> };
    expect(counted.history).toHaveLength(100);
    expect(counted.history.at(-1)!.time).toBe(to - 60);
    expect(new Date(counted.history[0]!.time * 1000).getUTCDay()).toBe(5);
    expect((await ask({ tf: 120, from: to - 300, to })).status).toBe(400);
    expect((await ask({ tf: 60, to })).status).toBe(400);
    expect((await ask({ tf: 60, from: to - 300, to, symbol: 'NOPE' })).status).toBe(404);
  });
});

describe('history fault switches (T-Invest)', () => {
  const account = '2000345678';
  const page = (cursor?: string) =>
    tinkoffCall('OperationsService/GetOperationsByCursor', { accountId: account, limit: 5, ...(cursor ? { cursor } : {}) }).then((answer) => answer.body as { items: Array<{ id: string; parentOperationId: string; date: string }>; nextCursor: string });

  it('drops the row at a seam, or repeats the one before it', async () => {
    const first = await page();
    const clean = await page(first.nextCursor);
    tinkoff.state.history.dropAtSeam = true;
    const dropped = await page(first.nextCursor);
    tinkoff.state.history.reset();
    tinkoff.state.history.repeatAtSeam = true;
    const repeated = await page(first.nextCursor);
    tinkoff.state.history.reset();
    expect(dropped.items.map((item) => item.id)).toEqual([...clean.items.slice(1).map((item) => item.id), expect.any(String)]);
    expect(repeated.items.map((item) => item.id)).toEqual([first.items.at(-1)!.id, ...clean.items.slice(0, 4).map((item) => item.id)]);
  });

  it('changes every id (and every fee\'s parent id) after the requests it was told', async () => {
    const before = await page();
    tinkoff.state.history.changeIdsAfter(2);
    expect((await page()).items).toEqual(before.items);
    const after = await page();
    tinkoff.state.history.reset();
    expect(after.items.map((item) => item.date)).toEqual(before.items.map((item) => item.date));
    expect(after.items.every((item, index) => item.id !== before.items[index]!.id)).toBe(true);
    const fee = tinkoff.state.operations.find((operation) => operation.type === 'OPERATION_TYPE_BROKER_FEE' && operation.accountId === account)!;
    expect(tinkoff.state.operations.some((operation) => operation.id === fee.parentId)).toBe(true);
  });

  it('holds a row back until a read covering it has been answered without it', async () => {
    const late = tinkoff.state.operations.find((operation) => operation.accountId === account)!;
    tinkoff.state.history.deliverLate(late);
    const window = { accountId: account, limit: 1000, from: new Date(Date.parse(late.date) - 1000).toISOString(), to: new Date(Date.parse(late.date) + 1000).toISOString() };
    const first = await tinkoffCall('OperationsService/GetOperationsByCursor', window);
    const second = await tinkoffCall('OperationsService/GetOperationsByCursor', window);
    expect(first.body.items.map((item: { id: string }) => item.id)).not.toContain(late.id);
    expect(second.body.items.map((item: { id: string }) => item.id)).toContain(late.id);
  });
});
