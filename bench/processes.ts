import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { allSimulatedBrokers } from '../src/simulators/index.js';

/**
 * The processes of the benchmark and the soak test: one per simulated broker (bench/simulators.ts)
 * and the built gateway (dist/bin.js serve, or the baseline of bench/baseline/serve-naive.ts),
 * each a real process, stopped together at the end.
 */

export const repository = fileURLToPath(new URL('../', import.meta.url));
const workDirectory = mkdtempSync(path.join(tmpdir(), 'brokerql-bench-'));
const children: ChildProcess[] = [];
/** Where each child's stdout goes. */
const outputFiles = new WeakMap<ChildProcess, string>();
let started = 0;

/**
 * Spawns a child with its stdout going to a file in the work directory, as a user's logs go to
 * a file or journald. Nothing in this process reads it after the child's ready line: reading a
 * gateway's log line by line would wake the load generator for every request on the machine the
 * gateway shares, and the same holds for every process measured (brokerql, Mesh, the brokers).
 */
function spawnLogged(command: string[], label: string, options: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const file = path.join(workDirectory, `${++started}-${label.replace(/[^\w-]+/g, '-')}.stdout`);
  const descriptor = openSync(file, 'w');
  const child = spawn(process.execPath, command, { ...options, stdio: ['ignore', descriptor, 'pipe'] });
  // The child has its own copy of the descriptor.
  closeSync(descriptor);
  outputFiles.set(child, file);
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${label}] ${chunk}`));
  children.push(child);
  return child;
}

export function start(command: string[], label: string, nodeOptions = ''): ChildProcess {
  return spawnLogged(command, label, { cwd: repository, env: { ...process.env, LOG_LEVEL: 'info', NODE_OPTIONS: nodeOptions } });
}

/** The first line of a child's stdout that `matches`, read from its file until it appears. */
export function firstLine(child: ChildProcess, matches: (line: string) => boolean): Promise<string> {
  const file = outputFiles.get(child)!;
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => {
      clearInterval(poll);
      reject(new Error(`process exited (${code}) before it was ready`));
    };
    const poll = setInterval(() => {
      const line = readFileSync(file, 'utf8').split('\n').find(matches);
      if (line === undefined) return;
      clearInterval(poll);
      child.off('exit', onExit);
      resolve(line);
    }, 20);
    child.once('exit', onExit);
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Stops every process started here and removes the work directory. */
export async function stopAll(): Promise<void> {
  await Promise.all(children.map(stop));
  rmSync(workDirectory, { recursive: true, force: true });
}

export interface Simulators {
  connections: Array<Record<string, string>>;
  /** One control URL per simulator process. */
  controls: string[];
  /** The same, by the broker each process simulates. */
  controlOf: Record<string, string>;
}

/** Sends a control action to every simulator process; answers come back merged by simulator name. */
export async function control(
  simulators: Simulators,
  action: string,
  method = 'POST',
  brokers?: string[],
): Promise<Record<string, Record<string, number>>> {
  const urls = brokers ? brokers.map((broker) => simulators.controlOf[broker]!) : simulators.controls;
  const answers = await Promise.all(
    urls.map(async (url) => (await (await fetch(`${url}${action}`, { method })).json()) as Record<string, Record<string, number>>),
  );
  return Object.assign({}, ...answers) as Record<string, Record<string, number>>;
}

/** Each simulated broker in its own process, as each real broker is its own server. */
export async function startSimulatorProcesses(brokers: readonly string[] = allSimulatedBrokers): Promise<Simulators> {
  const started = await Promise.all(
    brokers.map(async (broker) => {
      const child = start(['--import', 'tsx', 'bench/simulators.ts', '0', broker], `simulator ${broker}`);
      return JSON.parse(await firstLine(child, (line) => line.startsWith('{'))) as {
        connections: Array<Record<string, string>>;
        streamUrls: Record<string, Record<string, string>>;
        control: string;
      };
    }),
  );
  return {
    // The stream simulators' endpoints (streamUrl, wsUrl) join their connections.
    connections: started.flatMap((entry) => entry.connections.map((connection) => ({ ...connection, ...entry.streamUrls[connection['id']!] }))),
    controls: started.map((entry) => entry.control),
    controlOf: Object.fromEntries(brokers.map((broker, index) => [broker, started[index]!.control])),
  };
}

export const totalCalls = (counts: Record<string, Record<string, number>>) =>
  Object.values(counts).reduce((sum, routes) => sum + Object.values(routes).reduce((inner, count) => inner + count, 0), 0);

export interface Gateway {
  url: string;
  token: string;
  process: ChildProcess;
}

export interface GatewayOptions {
  name: string;
  /** The baseline gateway (bench/baseline/): no batching, de-duplication, caches or calls shared in flight. */
  naive?: boolean;
  scope?: 'read' | 'trade';
  /** Extra keys for every connection entry. */
  connection?: Record<string, unknown>;
  /** Only these connection ids (default: every simulated broker). */
  only?: string[];
  server?: Record<string, unknown>;
  /** The config's `cache` section (live accounts on or off: bench/live-accounts.ts). */
  cache?: Record<string, unknown>;
}

/** The built gateway, serving a config written for these simulators, with one token of its own. */
export async function startGateway(simulators: Simulators, options: GatewayOptions): Promise<Gateway> {
  const file = path.join(workDirectory, `${options.name}.yaml`);
  writeFileSync(
    file,
    stringify({
      server: { port: 0, limits: { authFailuresPerMinute: 10_000 }, ...options.server },
      // The baseline keeps nothing across requests either.
      ...(options.naive ? { cache: { instrumentsTtlSeconds: 0, accountsTtlSeconds: 0 } } : options.cache ? { cache: options.cache } : {}),
      dataDir: path.join(workDirectory, `${options.name}-data`),
      // The journal's background sync would add broker calls of its own to every run's counts;
      // the history run (bench/history.ts) measures it on its own.
      journal: { enabled: false },
      // The gateway's default settings, except the brokers' request budgets: the simulators
      // enforce none here, so keeping to the real brokers' limits would only measure the limits.
      connections: simulators.connections
        .filter((connection) => !options.only || options.only.includes(connection['id']!))
        .map((connection) => ({ ...connection, quota: false, ...options.connection })),
    }),
  );
  const token = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/bin.js', 'token', 'create', '--name', options.name, '--scope', options.scope ?? 'read', '--config', file], {
      cwd: repository,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(output.trim()) : reject(new Error('token create failed'))));
  });
  const child = start(
    // Flags Node refuses in NODE_OPTIONS (--cpu-prof, V8 heap tuning) go on the command line.
    [
      ...(process.env['GATEWAY_NODE_ARGUMENTS']?.split(' ').filter(Boolean) ?? []),
      ...(options.naive ? ['--import', 'tsx', 'bench/baseline/serve-naive.ts', file] : ['dist/bin.js', 'serve', '--config', file]),
    ],
    `gateway ${options.name}`,
    process.env['GATEWAY_NODE_OPTIONS'] ?? '',
  );
  const line = await firstLine(child, (text) => text.includes('brokerql is serving'));
  const url = (JSON.parse(line) as { url: string }).url;
  return { url, token, process: child };
}

async function processMetric(gateway: Gateway, name: string): Promise<number> {
  const text = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
  const match = new RegExp(`^${name} (\\S+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/** The sum of every series of a metric, whatever its labels. */
export async function metricSum(gateway: Gateway, name: string): Promise<number> {
  const text = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
  const series = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm');
  return [...text.matchAll(series)].reduce((sum, match) => sum + Number(match[1]), 0);
}

export const residentMemory = (gateway: Gateway) => processMetric(gateway, 'brokerql_process_resident_memory_bytes');
/** User and system CPU of the gateway process (all its threads, garbage collection included). */
export const cpuSeconds = (gateway: Gateway) => processMetric(gateway, 'brokerql_process_cpu_seconds_total');

export const round = (value: number) => Math.round(value * 100) / 100;

/** A port nothing listens on right now (for a process that cannot report the one it picked). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * GraphQL Mesh over T-Invest's OpenAPI spec (bench/mesh/mesh.config.ts): composed with
 * mesh-compose, served by Hive Gateway on loopback, calling the given T-Invest simulator.
 */
export async function startMesh(tinvest: Record<string, string>): Promise<{ url: string; process: ChildProcess }> {
  const supergraph = path.join(workDirectory, 'supergraph.graphql');
  await new Promise<void>((resolve, reject) => {
    const compose = spawn(process.execPath, [path.join(repository, 'node_modules/.bin/mesh-compose'), '-o', supergraph], { cwd: path.join(repository, 'bench/mesh') });
    let output = '';
    compose.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    compose.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    compose.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mesh-compose failed: ${output.slice(-500)}`))));
  });
  const port = await freePort();
  const child = spawnLogged(
    [path.join(repository, 'node_modules/.bin/hive-gateway'), 'supergraph', supergraph, '--host', '127.0.0.1', '--port', String(port)],
    'mesh',
    { cwd: workDirectory, env: { ...process.env, NODE_OPTIONS: '', TINVEST_URL: tinvest['baseUrl']!, TINVEST_TOKEN: tinvest['token']! } },
  );
  await firstLine(child, (line) => line.includes('Listening on'));
  return { url: `http://127.0.0.1:${port}/graphql`, process: child };
}
