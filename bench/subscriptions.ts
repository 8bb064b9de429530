import { request, type ClientRequest } from 'node:http';
import { instruments } from '../src/simulators/tinkoff/data.js';
import { control, cpuSeconds, metricSum, residentMemory, round, startGateway, startSimulatorProcesses, stop, type Gateway, type Simulators } from './processes.js';

/**
 * The subscription run of `npm run bench` (`--only subscriptions` alone): N clients of GraphQL
 * over SSE (default 1,000) spread over a handful of T-Invest books, the simulated market moving
 * each book 10 times a second, the built gateway between them. It reports how many upstream
 * subscriptions the gateway made (one per book is the target), how long an event takes from the
 * stream simulator's send (its send log records each message's `sentAt`) to a client's receive
 * (matched by the book and the message's time, which the client gets as `asOf`), the gateway's
 * CPU per delivered event, and its peak RSS.
 */

export interface SubscriptionRunOptions {
  clients: number;
  books: number;
  durationSeconds: number;
  updatesPerSecond: number;
}

interface Received {
  book: number;
  asOf: string;
  /** Epoch milliseconds, on the same kind of clock as the simulator's `sentAt`. */
  at: number;
}

const now = () => performance.timeOrigin + performance.now();
const depth = 10;

/** One SSE client on node:http, reading only what latency needs: each event's `asOf`. */
function openClient(gateway: Gateway, figi: string, book: number, received: Received[]): Promise<ClientRequest> {
  const query = `subscription { orderbook(connection: "tbank", instrument: { figi: "${figi}" }, depth: ${depth}) { asOf bids { price quantity } asks { price quantity } } }`;
  return new Promise((resolve, reject) => {
    const outgoing = request(gateway.url, {
      method: 'POST',
      agent: false,
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${gateway.token}` },
    });
    outgoing.on('response', (response) => {
      if (response.statusCode !== 200) return reject(new Error(`subscription refused with HTTP ${response.statusCode}`));
      let buffered = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const at = now();
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const asOf = /"asOf":"([^"]+)"/.exec(block)?.[1];
          if (asOf) received.push({ book, asOf, at });
        }
      });
      resolve(outgoing);
    });
    outgoing.on('error', reject);
    outgoing.end(JSON.stringify({ query }));
  });
}

function percentile(sorted: number[], fraction: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export async function measureSubscriptions(options: SubscriptionRunOptions) {
  const simulators: Simulators = await startSimulatorProcesses(['tinkoff']);
  // Every client holds a connection: the default cap (512) is for a person's apps, not a load test.
  const gateway = await startGateway(simulators, { name: 'subscriptions', server: { limits: { maxConnections: options.clients + 100 } } });
  const books = instruments.filter((instrument) => instrument.figi.startsWith('BBG')).slice(0, options.books);
  const received: Received[] = [];
  const clients: ClientRequest[] = [];
  try {
    for (let index = 0; index < options.clients; index++) clients.push(await openClient(gateway, books[index % books.length]!.figi, index % books.length, received));
    const firsts = () => new Set(received.map((event) => event.book)).size;
    while (received.length < options.clients || firsts() < books.length) await new Promise((resolve) => setTimeout(resolve, 50));
    const counts = (await control(simulators, '/streams/counts', 'GET')) as unknown as Record<string, { subscribeRequests: Record<string, number> }>;
    const upstreamSubscribes = Object.values(counts['tinkoff']!.subscribeRequests).reduce((sum, count) => sum + count, 0);
    const upstreamSubscriptions = await metricSum(gateway, 'brokerql_stream_upstream_subscriptions');

    await control(simulators, '/streams/reset');
    received.length = 0;
    const cpuBefore = await cpuSeconds(gateway);
    const deliveredBefore = await metricSum(gateway, 'brokerql_stream_events_delivered_total');
    let peakResident = await residentMemory(gateway);
    await control(simulators, `/market/ticking?perSecond=${options.updatesPerSecond}&instruments=${books.map((book) => book.figi).join(',')}`);
    const sampler = setInterval(() => void residentMemory(gateway).then((bytes) => (peakResident = Math.max(peakResident, bytes)), () => undefined), 500);
    await new Promise((resolve) => setTimeout(resolve, options.durationSeconds * 1000));
    await control(simulators, '/market/ticking?perSecond=0');
    clearInterval(sampler);
    // What was sent before the market stopped is let arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const cpuMilliseconds = ((await cpuSeconds(gateway)) - cpuBefore) * 1000;
    const delivered = (await metricSum(gateway, 'brokerql_stream_events_delivered_total')) - deliveredBefore;
    peakResident = Math.max(peakResident, await residentMemory(gateway));

    const log = (await control(simulators, '/streams/log', 'GET')) as unknown as Record<string, Array<{ subscription: string; sentAt: number; time: string }>>;
    const sentAt = new Map(log['tinkoff']!.map((entry) => [`${entry.subscription}|${entry.time}`, entry.sentAt]));
    const latencies = received
      .map((event) => event.at - (sentAt.get(`orderbook:${books[event.book]!.uid}:${depth}|${event.asOf}`) ?? Number.NaN))
      .filter((latency) => !Number.isNaN(latency))
      .sort((left, right) => left - right);
    const result = {
      clients: options.clients,
      books: books.length,
      upstreamSubscriptions,
      upstreamSubscribeRequests: upstreamSubscribes,
      updatesSent: log['tinkoff']!.length,
      eventsReceived: received.length,
      eventsMatched: latencies.length,
      p50Milliseconds: round(percentile(latencies, 0.5)),
      p99Milliseconds: round(percentile(latencies, 0.99)),
      maxMilliseconds: round(latencies.at(-1) ?? 0),
      cpuMicrosecondsPerEvent: round((cpuMilliseconds * 1000) / Math.max(1, delivered)),
      peakResidentMegabytes: round(peakResident / 1_048_576),
    };
    const targets = [
      { target: 'subscriptions: upstream subscriptions = distinct books', measured: upstreamSubscriptions, limit: books.length, ok: upstreamSubscriptions === books.length && upstreamSubscribes === books.length },
      { target: `subscriptions: event latency p99 with ${options.clients} SSE clients (ms)`, measured: result.p99Milliseconds, limit: 100, ok: result.p99Milliseconds < 100 && latencies.length > 0 },
      { target: 'subscriptions: gateway peak RSS (MB)', measured: result.peakResidentMegabytes, limit: 250, ok: result.peakResidentMegabytes < 250 },
    ];
    return { result, targets };
  } finally {
    for (const client of clients) client.destroy();
    await stop(gateway.process);
  }
}
