import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { historyBench } from './history.js';
import { statisticsLowerBound, statisticsQuery, type StatisticsAccount } from './lower-bound.js';
import { compareWithMesh, comparisonTargets, printComparison } from './mesh-comparison.js';
import { liveAccountsTargets, measureLiveAccounts } from './live-accounts.js';
import { measureSubscriptions } from './subscriptions.js';
import {
  control,
  cpuSeconds,
  repository,
  residentMemory,
  round,
  startGateway,
  startSimulatorProcesses,
  stop,
  stopAll,
  totalCalls,
  type Gateway,
  type Simulators,
} from './processes.js';

/**
 * `npm run bench`: the simulators in one process, the built gateway (dist/) in another, and
 * autocannon driving it from this one. Measures the statistics query and a single-account
 * portfolio query with batching and caching on and off (the naive baseline of bench/baseline/), broker calls per query,
 * peak RSS, the gateway's own overhead, and the latency of the statistics query against its
 * ideal with simulated broker latency. Prints a table, writes bench/results/latest.json, and
 * exits non-zero if a target is missed. See bench/README.md.
 */

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '6' },
    // One gateway thread is saturated by a few clients; more would only queue inside it.
    connections: { type: 'string', default: '4' },
    latency: { type: 'string', default: '50' },
    // Clients of the statistics workload compared with GraphQL Mesh (issue 13, section D).
    'workload-connections': { type: 'string', default: '10' },
    // "mesh": only the comparison with GraphQL Mesh; "history": only the journal and candles;
    // "subscriptions": only the live-data run; "live-accounts": only the statistics workload from live account streams.
    only: { type: 'string' },
    // The subscription run: SSE clients, books they share, and book updates a second.
    clients: { type: 'string', default: '1000' },
    books: { type: 'string', default: '5' },
    'updates-per-second': { type: 'string', default: '10' },
  },
});
const durationSeconds = Number(values.duration);
const concurrency = Number(values.connections);
const brokerLatency = Number(values.latency);

const portfolioQuery = '{ account(id: "tbank:2000345678") { portfolio { positions { quantity averagePrice { amount currency } } cash { amount currency } } } }';

interface Measurement {
  requestsPerSecond: number;
  p50Milliseconds: number;
  p99Milliseconds: number;
  responses: number;
  failures: number;
  brokerCallsPerQuery: number;
  /** The gateway's CPU time per answered query, all threads. */
  cpuMillisecondsPerQuery: number;
  peakResidentMegabytes: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** One autocannon run; latencies are recorded at full precision from its response events. */
async function drive(
  target: { url: string; body: string; headers: Record<string, string> },
  connections: number,
  memoryOf?: () => Promise<number>,
): Promise<Omit<Measurement, 'brokerCallsPerQuery' | 'cpuMillisecondsPerQuery'>> {
  const durations: number[] = [];
  let peak = 0;
  const sampler = memoryOf
    ? setInterval(() => void memoryOf().then((bytes) => (peak = Math.max(peak, bytes)), () => undefined), 250)
    : undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: target.body,
        connections,
        duration: durationSeconds,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode === 200) durations.push(responseTime);
    });
  });
  if (sampler) clearInterval(sampler);
  if (memoryOf) peak = Math.max(peak, await memoryOf());
  durations.sort((left, right) => left - right);
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Milliseconds: round(percentile(durations, 0.5)),
    p99Milliseconds: round(percentile(durations, 0.99)),
    responses: durations.length,
    failures: result.non2xx + result.errors + result.timeouts,
    peakResidentMegabytes: round(peak / 1_048_576),
  };
}


async function measure(gateway: Gateway, simulators: Simulators, query: string, connections = concurrency): Promise<Measurement> {
  await control(simulators, '/reset');
  const cpuBefore = await cpuSeconds(gateway);
  const run = await drive(
    { url: gateway.url, body: JSON.stringify({ query }), headers: { authorization: `Bearer ${gateway.token}` } },
    connections,
    () => residentMemory(gateway),
  );
  const cpuMilliseconds = ((await cpuSeconds(gateway)) - cpuBefore) * 1000;
  const calls = totalCalls(await control(simulators, '/counts', 'GET'));
  const responses = Math.max(1, run.responses);
  return { ...run, brokerCallsPerQuery: round(calls / responses), cpuMillisecondsPerQuery: round(cpuMilliseconds / responses) };
}

async function callsForOneQuery(gateway: Gateway, simulators: Simulators): Promise<{ calls: number; accounts: StatisticsAccount[] }> {
  await control(simulators, '/reset');
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.token}` },
    body: JSON.stringify({ query: statisticsQuery }),
  });
  const body = (await response.json()) as { data: { accounts: StatisticsAccount[] }; errors?: unknown[] };
  if (body.errors) throw new Error(`the query failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return { calls: totalCalls(await control(simulators, '/counts', 'GET')), accounts: body.data.accounts };
}

const subscriptionRun = () =>
  measureSubscriptions({ clients: Number(values.clients), books: Number(values.books), durationSeconds, updatesPerSecond: Number(values['updates-per-second']) });

type Target = { target: string; measured: number; limit: number; ok: boolean };
const printTargets = (targets: Target[]) => console.table(targets.map(({ target, measured, limit, ok }) => ({ target, measured, limit, result: ok ? 'met' : 'MISSED' })));

async function main(): Promise<number> {
  // "history": only the operations journal's backfill and the candle store (bench/history.ts).
  if (values.only === 'history') {
    const { targets } = await historyBench();
    printTargets(targets);
    return targets.every((target) => target.ok) ? 0 : 1;
  }
  const started = Date.now();
  if (values.only === 'subscriptions') {
    console.error(`subscriptions: ${values.clients} SSE clients on ${values.books} books, ${values['updates-per-second']} updates a second each, ${durationSeconds}s…`);
    const { result, targets } = await subscriptionRun();
    console.table(result);
    printTargets(targets);
    writeFileSync(path.join(repository, 'bench/results/subscriptions.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...result, targets }, null, 2)}\n`);
    return targets.every((target) => target.ok) ? 0 : 1;
  }
  console.error(`brokerql benchmark: ${durationSeconds}s runs, ${concurrency} connections, ${brokerLatency} ms broker latency for the latency run`);
  const simulators = await startSimulatorProcesses();

  const workloadClients = Number(values['workload-connections']);
  const liveAccountsRun = () => measureLiveAccounts(simulators, { concurrency: workloadClients, durationSeconds });
  if (values.only === 'live-accounts') {
    console.error(`statistics workload with live accounts, ${workloadClients} clients, ${durationSeconds}s…`);
    const measured = await liveAccountsRun();
    console.table(measured);
    const targets = liveAccountsTargets(measured);
    printTargets(targets);
    writeFileSync(path.join(repository, 'bench/results/live-accounts.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...measured, targets }, null, 2)}\n`);
    return targets.every((target) => target.ok) ? 0 : 1;
  }
  console.error(`statistics workload against GraphQL Mesh, ${brokerLatency} ms, ${workloadClients} clients…`);
  const comparison = await compareWithMesh(simulators, { latency: brokerLatency, concurrency: workloadClients, durationSeconds });
  const comparisonChecks = comparisonTargets(comparison, brokerLatency, workloadClients);
  if (values.only === 'mesh') {
    printComparison(comparison);
    console.table(comparisonChecks.map(({ target, measured, limit, ok }) => ({ target, measured, limit, result: ok ? 'met' : 'MISSED' })));
    return comparisonChecks.every((target) => target.ok) ? 0 : 1;
  }

  // Batching and caching on.
  // Every portfolio from the broker: the lower bounds below are for reading it (live accounts: bench/live-accounts.ts).
  const normal = await startGateway(simulators, { name: 'normal', cache: { liveAccounts: false } });
  const cold = await callsForOneQuery(normal, simulators);
  const warm = await callsForOneQuery(normal, simulators);
  const lowerBound = statisticsLowerBound(
    cold.accounts,
    simulators.connections.map((connection) => ({ id: connection['id']!, broker: connection['broker']! })),
  );
  console.error('statistics query, batched…');
  const statistics = await measure(normal, simulators, statisticsQuery);
  // Growth is judged between the second and third identical runs: the first grows the heap to its working size.
  const statisticsAgain = await measure(normal, simulators, statisticsQuery);
  const rssAfterFirst = await residentMemory(normal);
  const statisticsThird = await measure(normal, simulators, statisticsQuery);
  const rssAfterSecond = await residentMemory(normal);
  console.error('portfolio query, batched…');
  const portfolio = await measure(normal, simulators, portfolioQuery);
  const portfolioSerial = await measure(normal, simulators, portfolioQuery, 1);

  // The simulator alone answering the portfolio's slowest broker call, one at a time.
  const tbank = simulators.connections.find((connection) => connection['id'] === 'tbank')!;
  const simulatorAlone = await drive(
    {
      url: `${tbank['baseUrl']}/tinkoff.public.invest.api.contract.v1.OperationsService/GetPortfolio`,
      body: JSON.stringify({ accountId: '2000345678' }),
      headers: { authorization: `Bearer ${tbank['token']}` },
    },
    1,
  );

  // With simulated broker latency: the statistics query alone, against its critical path.
  await control(simulators, `/latency?ms=${brokerLatency}`);
  console.error(`statistics query at ${brokerLatency} ms broker latency…`);
  const slow = await measure(normal, simulators, statisticsQuery, 1);
  const slowCounts = await control(simulators, '/counts', 'GET');
  await control(simulators, '/latency?ms=0');
  await stop(normal.process);

  // The same with batching and caching off.
  // Without a budget of broker calls per request either: a naive statistics query needs ~1,600,
  // and refusing most of them would make it look fast.
  const naive = await startGateway(simulators, { name: 'naive', naive: true, server: { limits: { authFailuresPerMinute: 10_000, maxBrokerCallsPerRequest: 100_000 } } });
  console.error('statistics and portfolio queries, naive…');
  const naiveStatistics = await measure(naive, simulators, statisticsQuery);
  const naivePortfolio = await measure(naive, simulators, portfolioQuery);
  await stop(naive.process);

  console.error(`subscriptions: ${values.clients} SSE clients on ${values.books} books…`);
  const subscriptions = await subscriptionRun();
  console.error('statistics workload with live accounts…');
  const liveAccounts = await liveAccountsRun();

  // The only broker calls that wait on each other in a warm statistics query are the pages of one
  // ALOR portfolio's trade history; everything else runs side by side.
  const responses = Math.max(1, slow.responses);
  const alorAccounts = Math.round((slowCounts['alor']?.['GET positions'] ?? 0) / responses);
  const historyCalls = Math.round((slowCounts['alor']?.['GET history trades'] ?? 0) / responses);
  const roundTrips = 1 + Math.max(0, historyCalls - alorAccounts);
  const ideal = roundTrips * brokerLatency;
  const overhead = round(portfolioSerial.p50Milliseconds - simulatorAlone.p50Milliseconds);
  const growth = round((rssAfterSecond - rssAfterFirst) / 1_048_576);
  const peak = Math.max(
    statistics.peakResidentMegabytes,
    statisticsAgain.peakResidentMegabytes,
    statisticsThird.peakResidentMegabytes,
    portfolio.peakResidentMegabytes,
    slow.peakResidentMegabytes,
  );

  const targets = [
    { target: 'statistics query, cold: broker calls = lower bound', measured: cold.calls, limit: lowerBound.cold, ok: cold.calls === lowerBound.cold },
    { target: 'statistics query, warm: broker calls = lower bound', measured: warm.calls, limit: lowerBound.warm, ok: warm.calls === lowerBound.warm },
    { target: `statistics query p50 at ${brokerLatency} ms latency ≤ 1.3 × ideal (${ideal} ms)`, measured: slow.p50Milliseconds, limit: round(ideal * 1.3), ok: slow.p50Milliseconds <= ideal * 1.3 },
    {
      target: 'warm statistics query requests/s ≥ 5 × naive',
      measured: round(statistics.requestsPerSecond / Math.max(1, naiveStatistics.requestsPerSecond)),
      limit: 5,
      ok: statistics.requestsPerSecond >= 5 * naiveStatistics.requestsPerSecond,
    },
    { target: 'gateway overhead on the portfolio query, p50 (ms above the simulator alone)', measured: overhead, limit: 2, ok: overhead < 2 },
    { target: 'peak RSS (MB)', measured: peak, limit: 200, ok: peak < 200 },
    { target: 'RSS growth between the 2nd and 3rd identical runs (MB)', measured: growth, limit: 10, ok: growth < 10 },
    ...comparisonChecks,
    ...subscriptions.targets,
    ...liveAccountsTargets(liveAccounts),
  ];
  // Last: the backfill keeps to T-Invest's per-minute quota, so it takes about 90 s whatever the machine.
  console.error('history: the journal backfill and the candle store…');
  const history = await historyBench();
  targets.push(...history.targets);

  const rows = [
    ['statistics, batched', statistics],
    ['statistics, batched (2nd run)', statisticsAgain],
    ['statistics, batched (3rd run)', statisticsThird],
    ['statistics, naive', naiveStatistics],
    ['portfolio, batched', portfolio],
    ['portfolio, naive', naivePortfolio],
    ['portfolio, batched, 1 connection', portfolioSerial],
    [`statistics, ${brokerLatency} ms latency, 1 connection`, slow],
  ] as const;
  console.log();
  console.table(
    Object.fromEntries(
      rows.map(([name, run]) => [
        name,
        {
          'req/s': run.requestsPerSecond,
          'p50 ms': run.p50Milliseconds,
          'p99 ms': run.p99Milliseconds,
          'calls/query': run.brokerCallsPerQuery,
          'CPU ms/query': run.cpuMillisecondsPerQuery,
          'peak RSS MB': run.peakResidentMegabytes,
          failures: run.failures,
        },
      ]),
    ),
  );
  console.log(`broker calls for one statistics query: cold ${cold.calls} (lower bound ${lowerBound.cold}), warm ${warm.calls} (lower bound ${lowerBound.warm})`);
  console.log('(calls/query under load also counts the calls of requests cut off when a run ends)');
  console.log(`batched vs naive requests/s: statistics ×${round(statistics.requestsPerSecond / Math.max(1, naiveStatistics.requestsPerSecond))}, portfolio ×${round(portfolio.requestsPerSecond / Math.max(1, naivePortfolio.requestsPerSecond))}`);
  console.log(`simulator alone (GetPortfolio, 1 connection): p50 ${simulatorAlone.p50Milliseconds} ms`);
  console.log(`ideal at ${brokerLatency} ms latency: ${roundTrips} dependent round trip(s) = ${ideal} ms`);
  console.log();
  printComparison(comparison);
  console.log();
  console.table(subscriptions.result);
  console.log();
  console.table(liveAccounts);
  console.log();
  printTargets(targets);

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    settings: { durationSeconds, connections: concurrency, brokerLatencyMilliseconds: brokerLatency },
    brokerCallsPerStatisticsQuery: { cold: cold.calls, warm: warm.calls, lowerBound },
    runs: Object.fromEntries(rows.map(([name, run]) => [name, run])),
    simulatorAlone,
    ideal: { roundTrips, milliseconds: ideal },
    statisticsWorkloadAgainstMesh: { clients: workloadClients, latencyMilliseconds: brokerLatency, ...comparison },
    subscriptions: subscriptions.result,
    liveAccounts,
    history: history.report,
    targets,
    seconds: round((Date.now() - started) / 1000),
  };
  writeFileSync(path.join(repository, 'bench/results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten to bench/results/latest.json in ${report.seconds}s`);
  return targets.every((target) => target.ok) ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
