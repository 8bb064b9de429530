import { brokerqlWorkload, callsOfOne, drive, untilLive } from './mesh-comparison.js';
import { control, round, startGateway, stop, totalCalls, type Simulators } from './processes.js';

/**
 * Issue 16's benchmark: the statistics workload (every account's positions with ticker and name,
 * bench/mesh-comparison.ts) on a gateway whose portfolio queries are answered from live account
 * streams (`cache.liveAccounts`, the default), against the same workload reading every portfolio
 * from T-Invest (one GetPortfolio per account per warm workload; GraphQL Mesh needs more). Measured: broker calls per warm workload (target 0), the calls the whole run made — the
 * streams' own checks included — and so how many workloads a minute T-Invest's quota lets through:
 * with live accounts that is bounded by the gateway's CPU, not by the quota.
 */

/** T-Invest's OperationsService allowance a minute, which GetPortfolio and GetPositions share (src/brokers/tinkoff/limits.ts). */
const operationsQuotaPerMinute = 200;

export interface LiveAccountsMeasurement {
  /** Broker calls of one warm workload with live accounts (target 0). */
  warmBrokerCalls: number;
  /** The same on a gateway that reads every portfolio (liveAccounts off). */
  warmBrokerCallsWithoutLive: number;
  workloadsPerSecond: number;
  p50Milliseconds: number;
  failures: number;
  /** Every T-Invest call during the timed run (the streams' checks and reconciling included), per minute. */
  brokerCallsPerMinute: number;
  /** Workloads a minute T-Invest's quota allows: without live accounts, the quota over the calls of one; with them, unbounded by the quota (null). */
  quotaWorkloadsPerMinuteWithoutLive: number;
  quotaWorkloadsPerMinute: number | null;
  /** What the run did: the gateway's own pace. */
  measuredWorkloadsPerMinute: number;
}

export async function measureLiveAccounts(simulators: Simulators, options: { concurrency: number; durationSeconds: number }): Promise<LiveAccountsMeasurement> {
  const tinvest = simulators.connections.find((connection) => connection['broker'] === 'tinkoff')!;
  const without = await startGateway(simulators, { name: 'live-accounts-off', only: [tinvest['id']!], cache: { liveAccounts: false } });
  const readWorkload = brokerqlWorkload(without.url, without.token);
  await callsOfOne(simulators, readWorkload);
  const warmWithout = (await callsOfOne(simulators, readWorkload)).calls;
  await stop(without.process);

  const gateway = await startGateway(simulators, { name: 'live-accounts', only: [tinvest['id']!], cache: { liveAccounts: true } });
  try {
    const workload = brokerqlWorkload(gateway.url, gateway.token);
    await untilLive(simulators, workload);
    const warm = (await callsOfOne(simulators, workload)).calls;
    await control(simulators, '/reset', 'POST', ['tinkoff']);
    const run = await drive(workload, options.concurrency, options.durationSeconds);
    const callsDuringRun = totalCalls(await control(simulators, '/counts', 'GET', ['tinkoff']));
    const perMinute = (count: number) => round((count * 60) / options.durationSeconds);
    const workloads = run.workloadsPerSecond * options.durationSeconds;
    const callsPerWorkload = workloads > 0 ? callsDuringRun / workloads : 0;
    return {
      warmBrokerCalls: warm,
      warmBrokerCallsWithoutLive: warmWithout,
      ...run,
      brokerCallsPerMinute: perMinute(callsDuringRun),
      quotaWorkloadsPerMinuteWithoutLive: round(operationsQuotaPerMinute / Math.max(1, warmWithout)),
      quotaWorkloadsPerMinute: callsPerWorkload === 0 ? null : round(operationsQuotaPerMinute / callsPerWorkload),
      measuredWorkloadsPerMinute: round(run.workloadsPerSecond * 60),
    };
  } finally {
    await stop(gateway.process);
  }
}

export function liveAccountsTargets(measured: LiveAccountsMeasurement) {
  const quotaBound = measured.quotaWorkloadsPerMinute ?? Number.POSITIVE_INFINITY;
  return [
    { target: 'statistics workload with live accounts, warm: broker calls = 0', measured: measured.warmBrokerCalls, limit: 0, ok: measured.warmBrokerCalls === 0 },
    {
      target: "statistics workload with live accounts: workloads/min bounded by the gateway's CPU, not T-Invest's quota",
      measured: measured.measuredWorkloadsPerMinute,
      limit: measured.quotaWorkloadsPerMinuteWithoutLive,
      ok: measured.measuredWorkloadsPerMinute > measured.quotaWorkloadsPerMinuteWithoutLive && measured.measuredWorkloadsPerMinute <= quotaBound,
    },
    { target: 'statistics workload with live accounts: no failed workloads', measured: measured.failures, limit: 0, ok: measured.failures === 0 },
  ];
}
