import { Agent, request } from 'undici';
import { control, cpuSeconds, round, startGateway, startMesh, stop, totalCalls, type Simulators } from './processes.js';

/**
 * The statistics workload of issue 13 (section D), side by side: brokerql with its default
 * settings against GraphQL Mesh over T-Invest's own OpenAPI spec (bench/mesh/mesh.config.ts),
 * both in front of the same T-Invest simulator answering after `latency` ms, driven by
 * `concurrency` clients looping for `durationSeconds`.
 *
 * The workload is every account's positions with each instrument's ticker and name. A brokerql
 * client asks it in one query. A Mesh client asks what Mesh offers, as a person writing that
 * client would: the accounts (leaving out those the token cannot access), then every account's
 * portfolio in one document, then every distinct instrument of those positions in one document —
 * three round trips, each a document whose fields Mesh runs side by side. Both answers are
 * checked to be the same rows.
 */

export interface WorkloadMeasurement {
  workloadsPerSecond: number;
  p50Milliseconds: number;
  failures: number;
  /** brokerql only: the gateway's CPU time per workload (from its own /metrics); null for Mesh. */
  cpuMillisecondsPerWorkload: number | null;
  /** Broker calls of one workload, on a warm gateway (its caches filled by a first workload). */
  warmBrokerCalls: number;
  coldBrokerCalls: number;
}

export interface MeshComparison {
  /** Every portfolio read from the broker (`cache.liveAccounts: false`), as issue 13 measured it. */
  brokerql: WorkloadMeasurement;
  /** brokerql exactly as a user runs it: portfolios answered from live account streams once they are live (issue 16). */
  brokerqlDefaults: WorkloadMeasurement;
  mesh: WorkloadMeasurement;
  /** The fewest calls the workload can cost warm: one portfolio per account (instrument metadata is kept). */
  lowerBoundWarm: number;
  /** Cold, also the account list and one lookup per distinct instrument. */
  lowerBoundCold: number;
}

/** "account <id>" for each account, "<account id> <ticker> <name> <quantity>" for each position. */
export type Row = string;
export type Workload = () => Promise<Row[]>;

export const workloadQuery = '{ accounts { id portfolio { positions { quantity instrument { ticker name } } } } }';

/** A keep-alive pool per target, as any HTTP client library keeps. */
function poster(url: string, headers: Record<string, string>) {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  return async <Data>(query: string): Promise<Data> => {
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    const body = (await response.body.json()) as { data?: Data; errors?: unknown[] };
    if (response.statusCode !== 200 || body.errors || !body.data) throw new Error(`${response.statusCode} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
    return body.data;
  };
}

export function brokerqlWorkload(url: string, token: string): Workload {
  const post = poster(url, { authorization: `Bearer ${token}` });
  return async () => {
    const data = await post<{ accounts: Array<{ id: string; portfolio: { positions: Array<{ quantity: string; instrument: { ticker: string; name: string } }> } }> }>(workloadQuery);
    return data.accounts.flatMap((account) => {
      const id = account.id.split(':')[1]!;
      return [`account ${id}`, ...account.portfolio.positions.map((position) => `${id} ${position.instrument.ticker} ${position.instrument.name} ${position.quantity}`)];
    });
  };
}

interface MeshPosition {
  figi: string;
  instrumentType: string;
  quantity: { units: string; nano: number };
}

function meshWorkload(url: string): Workload {
  const post = poster(url, {});
  return async () => {
    const listed = await post<{ UsersService_GetAccounts: { accounts: Array<{ id: string; accessLevel: string }> } }>(
      '{ UsersService_GetAccounts(input: {}) { ... on v1GetAccountsResponse { accounts { id accessLevel } } } }',
    );
    const accounts = listed.UsersService_GetAccounts.accounts.filter((account) => account.accessLevel !== 'ACCOUNT_ACCESS_LEVEL_NO_ACCESS');
    const portfolios = await post<Record<string, { positions: MeshPosition[] }>>(
      `{ ${accounts
        .map((account, index) => `p${index}: OperationsService_GetPortfolio(input: { accountId: "${account.id}" }) { ... on v1PortfolioResponse { positions { figi instrumentType quantity { units nano } } } }`)
        .join(' ')} }`,
    );
    // Currency holdings are cash, not positions (as brokerql answers them).
    const held = accounts.map((account, index) => ({ account, positions: portfolios[`p${index}`]!.positions.filter((position) => position.instrumentType !== 'currency') }));
    const figis = [...new Set(held.flatMap((entry) => entry.positions.map((position) => position.figi)))];
    const instruments = await post<Record<string, { instrument: { ticker: string; name: string } }>>(
      `{ ${figis
        .map((figi, index) => `i${index}: InstrumentsService_GetInstrumentBy(input: { idType: INSTRUMENT_ID_TYPE_FIGI, id: "${figi}" }) { ... on v1InstrumentResponse { instrument { ticker name } } }`)
        .join(' ')} }`,
    );
    const byFigi = new Map(figis.map((figi, index) => [figi, instruments[`i${index}`]!.instrument]));
    return held.flatMap(({ account, positions }) => [
      `account ${account.id}`,
      ...positions.map((position) => {
        const instrument = byFigi.get(position.figi)!;
        const quantity = position.quantity.nano === 0 ? position.quantity.units : `${position.quantity.units}.${String(position.quantity.nano).padStart(9, '0').replace(/0+$/, '')}`;
        return `${account.id} ${instrument.ticker} ${instrument.name} ${quantity}`;
      }),
    ]);
  };
}

/** `concurrency` clients, each running the workload again as soon as the last one is answered. */
export async function drive(workload: Workload, concurrency: number, durationSeconds: number): Promise<Pick<WorkloadMeasurement, 'workloadsPerSecond' | 'p50Milliseconds' | 'failures'>> {
  const durations: number[] = [];
  let failures = 0;
  const started = performance.now();
  const end = started + durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const begun = performance.now();
        try {
          await workload();
          durations.push(performance.now() - begun);
        } catch {
          failures += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  durations.sort((left, right) => left - right);
  return { workloadsPerSecond: round(durations.length / elapsed), p50Milliseconds: round(durations[Math.floor(durations.length / 2)] ?? 0), failures };
}

export async function callsOfOne(simulators: Simulators, workload: Workload): Promise<{ calls: number; rows: Row[] }> {
  await control(simulators, '/reset', 'POST', ['tinkoff']);
  const rows = await workload();
  return { calls: totalCalls(await control(simulators, '/counts', 'GET', ['tinkoff'])), rows };
}

/** Until one workload makes no broker call: the accounts are followed and their streams live and checked. */
export async function untilLive(simulators: Simulators, workload: Workload): Promise<void> {
  const giveUp = Date.now() + 30_000;
  while ((await callsOfOne(simulators, workload)).calls > 0) {
    if (Date.now() > giveUp) throw new Error('the live accounts never answered a workload without broker calls');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface MeasureOptions {
  cpu?: (() => Promise<number>) | undefined;
  /** Between the cold workload and the warm one (live accounts: until they answer). */
  warmUp?: (() => Promise<void>) | undefined;
}

async function measure(simulators: Simulators, workload: Workload, concurrency: number, durationSeconds: number, { cpu, warmUp }: MeasureOptions = {}) {
  const cold = await callsOfOne(simulators, workload);
  await warmUp?.();
  const warm = await callsOfOne(simulators, workload);
  const cpuBefore = await cpu?.();
  const run = await drive(workload, concurrency, durationSeconds);
  const cpuMilliseconds = cpu && cpuBefore !== undefined ? ((await cpu()) - cpuBefore) * 1000 : undefined;
  const workloads = Math.max(1, run.workloadsPerSecond * durationSeconds);
  return {
    measurement: {
      ...run,
      cpuMillisecondsPerWorkload: cpuMilliseconds === undefined ? null : round(cpuMilliseconds / workloads),
      coldBrokerCalls: cold.calls,
      warmBrokerCalls: warm.calls,
    },
    rows: warm.rows,
  };
}

export async function compareWithMesh(
  simulators: Simulators,
  options: { latency: number; concurrency: number; durationSeconds: number },
): Promise<MeshComparison> {
  const tinvest = simulators.connections.find((connection) => connection['broker'] === 'tinkoff')!;
  await control(simulators, `/latency?ms=${options.latency}`, 'POST', ['tinkoff']);
  try {
    // Every portfolio read from the broker, as issue 13 measured it.
    const gateway = await startGateway(simulators, { name: 'statistics-d', only: [tinvest['id']!], cache: { liveAccounts: false } });
    const brokerql = await measure(simulators, brokerqlWorkload(gateway.url, gateway.token), options.concurrency, options.durationSeconds, { cpu: () => cpuSeconds(gateway) });
    await stop(gateway.process);
    // As a user runs it: the first workloads start following the accounts; once their streams are
    // live and checked, portfolios come from them (bench/live-accounts.ts measures that at no latency).
    const defaults = await startGateway(simulators, { name: 'statistics-d-defaults', only: [tinvest['id']!] });
    const defaultWorkload = brokerqlWorkload(defaults.url, defaults.token);
    const brokerqlDefaults = await measure(simulators, defaultWorkload, options.concurrency, options.durationSeconds, {
      cpu: () => cpuSeconds(defaults),
      warmUp: () => untilLive(simulators, defaultWorkload),
    });
    await stop(defaults.process);

    const mesh = await startMesh(tinvest);
    const viaMesh = await measure(simulators, meshWorkload(mesh.url), options.concurrency, options.durationSeconds);
    await stop(mesh.process);

    const sorted = (rows: Row[]) => JSON.stringify([...rows].sort());
    if (sorted(brokerql.rows) !== sorted(viaMesh.rows)) {
      throw new Error(`brokerql and Mesh answered different rows:\n${sorted(brokerql.rows)}\n${sorted(viaMesh.rows)}`);
    }
    const accounts = brokerql.rows.filter((row) => row.startsWith('account ')).length;
    const instruments = new Set(brokerql.rows.filter((row) => !row.startsWith('account ')).map((row) => row.split(' ')[1])).size;
    if (sorted(brokerqlDefaults.rows) !== sorted(viaMesh.rows)) {
      throw new Error(`brokerql (live accounts) and Mesh answered different rows:\n${sorted(brokerqlDefaults.rows)}\n${sorted(viaMesh.rows)}`);
    }
    return {
      brokerql: brokerql.measurement,
      brokerqlDefaults: brokerqlDefaults.measurement,
      mesh: viaMesh.measurement,
      lowerBoundWarm: accounts,
      lowerBoundCold: 1 + accounts + instruments,
    };
  } finally {
    await control(simulators, '/latency?ms=0', 'POST', ['tinkoff']);
  }
}

/** The comparison's targets, in the form of bench/run.ts's table. */
export function comparisonTargets(comparison: MeshComparison, latency: number, concurrency: number) {
  const ratioOf = (brokerql: WorkloadMeasurement) => round(brokerql.workloadsPerSecond / Math.max(0.01, comparison.mesh.workloadsPerSecond));
  const ratio = ratioOf(comparison.brokerql);
  const defaultsRatio = ratioOf(comparison.brokerqlDefaults);
  const failures = comparison.brokerql.failures + comparison.brokerqlDefaults.failures + comparison.mesh.failures;
  return [
    { target: `statistics workload at ${latency} ms, ${concurrency} clients, default settings: workloads/s ≥ 3 × GraphQL Mesh`, measured: defaultsRatio, limit: 3, ok: defaultsRatio >= 3 },
    { target: `the same, every portfolio read from the broker (liveAccounts off): ≥ 3 × GraphQL Mesh`, measured: ratio, limit: 3, ok: ratio >= 3 },
    {
      target: 'statistics workload, warm, read from the broker: broker calls = lower bound (one portfolio per account)',
      measured: comparison.brokerql.warmBrokerCalls,
      limit: comparison.lowerBoundWarm,
      ok: comparison.brokerql.warmBrokerCalls === comparison.lowerBoundWarm,
    },
    {
      target: 'statistics workload, cold: broker calls = lower bound (+ account list and instruments)',
      measured: comparison.brokerql.coldBrokerCalls,
      limit: comparison.lowerBoundCold,
      ok: comparison.brokerql.coldBrokerCalls === comparison.lowerBoundCold,
    },
    { target: 'statistics workload, warm, default settings (live accounts): broker calls = 0', measured: comparison.brokerqlDefaults.warmBrokerCalls, limit: 0, ok: comparison.brokerqlDefaults.warmBrokerCalls === 0 },
    { target: 'statistics workload: no failed workloads', measured: failures, limit: 0, ok: failures === 0 },
  ];
}

export function printComparison(comparison: MeshComparison): void {
  console.table({
    'brokerql (default settings: live accounts)': comparison.brokerqlDefaults,
    'brokerql (cache.liveAccounts off: every portfolio from the broker)': comparison.brokerql,
    'GraphQL Mesh (OpenAPI, Hive Gateway)': comparison.mesh,
  });
  console.log(`lower bound per workload: warm ${comparison.lowerBoundWarm} broker calls, cold ${comparison.lowerBoundCold}`);
}
