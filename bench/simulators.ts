import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault } from '../src/simulators/common/server.js';
import { startSimulators, type SimulatedBroker } from '../src/simulators/index.js';
import { streamControl } from '../src/simulators/stream-control.js';

/**
 * One benchmark broker (or several), in a process of its own so it never shares a CPU budget or
 * a heap with the gateway being measured — or with the other brokers, which are separate servers
 * in real life too. Prints one JSON line (connections, stream URLs, a control URL) and then
 * serves a small control API: POST /latency?ms=N, GET /counts, POST /reset, and the stream
 * simulators' switches and records under /market/… and /streams/… (src/simulators/stream-control.ts).
 * The markets hold still until POST /market/ticking asks them to move.
 *
 * Usage: tsx bench/simulators.ts <latency ms> [broker ...]
 */
const latency = Number(process.argv[2] ?? '0');
const brokers = process.argv.slice(3) as SimulatedBroker[];
const simulators = await startSimulators({
  latencyMilliseconds: latency,
  rateLimits: false,
  brokers: brokers.length > 0 ? brokers : undefined,
  marketTicksPerSecond: 0,
});

const control = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://control');
  const reply = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const streams = streamControl(simulators, request.method ?? 'GET', url);
  if (streams) return response.writeHead(streams.status, { 'content-type': 'application/json' }).end(JSON.stringify(streams.body));
  if (request.method === 'POST' && url.pathname === '/latency') {
    for (const server of simulators.servers) server.setLatency(Number(url.searchParams.get('ms') ?? '0'));
    return reply({ ok: true });
  }
  if (request.method === 'GET' && url.pathname === '/counts') {
    return reply(Object.fromEntries(simulators.servers.map((server) => [server.name, server.requestCounts()])));
  }
  if (request.method === 'POST' && url.pathname === '/reset') {
    for (const server of simulators.servers) server.resetCounters();
    return reply({ ok: true });
  }
  // POST /fault?kind=status&status=500&times=3&after=1&route=…  (kinds as in SimulatorServer)
  if (request.method === 'POST' && url.pathname === '/fault') {
    const kind = url.searchParams.get('kind') ?? 'status';
    const fault = (kind === 'status' ? { kind, status: Number(url.searchParams.get('status') ?? '500') } : { kind }) as Fault;
    const times = url.searchParams.get('times');
    for (const server of simulators.servers) {
      server.injectFault({
        route: url.searchParams.get('route') ?? undefined,
        fault,
        times: times === null ? undefined : Number(times),
        afterHandling: url.searchParams.get('after') === '1',
      });
    }
    return reply({ ok: true });
  }
  if (request.method === 'POST' && url.pathname === '/clear') {
    for (const server of simulators.servers) server.clearFaults();
    return reply({ ok: true });
  }
  // The orders each simulated broker holds, to compare with the orders clients asked for.
  if (request.method === 'GET' && url.pathname === '/orders') {
    const held: Record<string, Record<string, number>> = {};
    for (const [broker, started] of Object.entries(simulators.byBroker)) {
      if (started?.ordersHeld) held[broker] = { orders: started.ordersHeld() };
    }
    return reply(held);
  }
  response.writeHead(404).end();
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', () => resolve()));
process.stdout.write(
  `${JSON.stringify({ connections: simulators.connections, streamUrls: simulators.streamUrls, control: `http://127.0.0.1:${(control.address() as AddressInfo).port}` })}\n`,
);

const stop = async () => {
  control.close();
  await simulators.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
