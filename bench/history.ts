import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { SeedOperation } from '../src/simulators/tinkoff/data.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { firstLine, repository, round, start, stop } from './processes.js';

/**
 * `npm run bench -- --only history` (issue 18): how fast `brokerql sync` fills the operations
 * journal of a busy account within T-Invest's published request limits, and what a repeated
 * chart costs in broker calls.
 *
 *  - Backfill: a T-Invest simulator (in this process) enforcing T-Invest's per-minute limits, one
 *    account with `operationCount` operations over its last two years; the built CLI (`dist/bin.js sync`)
 *    with the default journal settings and its request budget on, as a user runs it. Throughput is
 *    the journal's operations over the command's wall time; every operation is read twice (the
 *    windows overlap by half).
 *  - Candles: the built gateway (`dist/bin.js serve`) against the same simulator; `last: 500`
 *    one-minute candles, then the same request again: its GetCandles calls, then none.
 */

const account = '2031415926';
const operationCount = 120_000;
const chartQuery = 'query ($last: Int) { instrument(connection: "tbank", ref: { id: "tbank:BBG004730N88" }) { candles(interval: MINUTE_1, last: $last, before: "2026-11-30T08:00:00Z") { time close complete } } }';

/** A busy customer's last two years: trades with their fees, and dividends, evenly spread. */
function busyHistory(count: number): SeedOperation[] {
  const rows: SeedOperation[] = [];
  const span = 2 * 365 * 86_400_000;
  const start = Date.now() - span - 86_400_000;
  // Three steps make five operations (two trades with their fees, a dividend).
  const step = Math.floor(span / ((count * 3) / 5));
  for (let index = 0; rows.length < count; index++) {
    const date = new Date(start + index * step).toISOString();
    const id = String(300_000_000 + index * 10);
    if (index % 3 === 2) {
      rows.push({ id, accountId: account, date, type: 'OPERATION_TYPE_DIVIDEND', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730N88', currency: 'rub', payment: `${index % 997}.11`, quantity: 10, description: 'Выплата дивидендов' });
      continue;
    }
    rows.push({ id, accountId: account, date, type: 'OPERATION_TYPE_BUY', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730RP0', currency: 'rub', payment: `-${(index % 50) + 1}28.34`, price: '128.34', quantity: 10, quantityDone: 10, commission: '-0.64', description: 'Покупка ценных бумаг' });
    rows.push({ id: `${id}1`, parentId: id, accountId: account, date, type: 'OPERATION_TYPE_BROKER_FEE', state: 'OPERATION_STATE_EXECUTED', figi: 'BBG004730RP0', currency: 'rub', payment: '-0.64', description: 'Удержание комиссии за операцию' });
  }
  return rows.slice(0, count);
}

function run(command: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, command, { cwd: repository, env: { ...process.env, NODE_OPTIONS: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface HistoryBench {
  report: Record<string, unknown>;
  targets: Array<{ target: string; measured: number; limit: number; ok: boolean }>;
}

export async function historyBench(): Promise<HistoryBench> {
  const simulator = createTinkoffSimulator({ rateLimits: true });
  simulator.state.operations.push(...busyHistory(operationCount));
  await simulator.server.start();
  const directory = mkdtempSync(path.join(tmpdir(), 'brokerql-bench-history-'));
  const file = path.join(directory, 'history.yaml');
  writeFileSync(
    file,
    stringify({
      server: { port: 0 },
      dataDir: path.join(directory, 'data'),
      journal: { enabled: false },
      connections: [{ id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: simulator.baseUrl }],
    }),
  );
  try {
    console.error(`history: backfilling ${operationCount} operations of one T-Invest account within its limits…`);
    const started = performance.now();
    const sync = await run(['dist/bin.js', 'sync', '--account', `tbank:${account}`, '--config', file]);
    const seconds = (performance.now() - started) / 1000;
    const summary = /synced: (\d+)\/\d+ windows, (\d+) operations, (\d+) broker calls/.exec(sync.stdout);
    if (sync.code !== 0 || !summary) throw new Error(`sync failed (${sync.code}): ${sync.stdout.slice(-400)}${sync.stderr.slice(-400)}`);
    // Every operation once: the journal's count is the simulator's.
    const [, windows, operations, calls] = summary.map(Number) as [number, number, number, number];

    console.error('history: a chart of 500 one-minute candles, twice…');
    const token = (await run(['dist/bin.js', 'token', 'create', '--name', 'bench', '--scope', 'read', '--config', file])).stdout.trim();
    const gateway = start(['dist/bin.js', 'serve', '--config', file], 'gateway history');
    const { url } = JSON.parse(await firstLine(gateway, (line) => line.includes('brokerql is serving'))) as { url: string };
    const chart = async () => {
      const before = simulator.server.requestCount('MarketDataService/GetCandles');
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: chartQuery, variables: { last: 500 } }),
      });
      const body = (await response.json()) as { data?: { instrument: { candles: unknown[] } } };
      return { candles: body.data?.instrument.candles.length ?? 0, calls: simulator.server.requestCount('MarketDataService/GetCandles') - before };
    };
    const first = await chart();
    const repeated = await chart();
    await stop(gateway);

    const report = {
      date: new Date().toISOString(),
      backfill: {
        operations,
        windows,
        brokerCalls: calls,
        seconds: round(seconds),
        operationsPerSecond: Math.round(operations / seconds),
        callsPerMinute: round((calls / seconds) * 60),
        limit: 'OperationsService: 200 requests a minute (T-Invest), enforced by the simulator',
      },
      candles: { last: 500, firstRequest: first, repeatedRequest: repeated },
    };
    console.table([
      { run: 'backfill', operations, windows, 'broker calls': calls, seconds: round(seconds), 'operations/s': report.backfill.operationsPerSecond, 'calls/min': report.backfill.callsPerMinute },
    ]);
    console.table([
      { request: 'candles last 500, first', candles: first.candles, 'broker calls': first.calls },
      { request: 'candles last 500, repeated', candles: repeated.candles, 'broker calls': repeated.calls },
    ]);
    writeFileSync(path.join(repository, 'bench/results/history.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log('\nwritten to bench/results/history.json');
    const targets = [
      { target: 'history: backfill journals every operation once', measured: operations, limit: operationCount, ok: operations === operationCount },
      { target: "history: backfill within T-Invest's OperationsService quota (calls/min)", measured: report.backfill.callsPerMinute, limit: 200, ok: report.backfill.callsPerMinute <= 200 },
      { target: 'candles: last 500 one-minute candles answered', measured: first.candles, limit: 500, ok: first.candles === 500 },
      { target: 'candles: the repeated chart makes no broker call', measured: repeated.calls, limit: 0, ok: repeated.calls === 0 },
    ];
    return { report, targets };
  } finally {
    await simulator.server.stop();
  }
}
