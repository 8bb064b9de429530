import { parseArgs } from 'node:util';
import { control, residentMemory, round, startGateway, startSimulatorProcesses, stopAll, type Gateway } from './processes.js';

/**
 * `npm run soak`: minutes of mixed reads and orders against the built gateway while random faults
 * hit the simulated brokers, then a report: requests served, errors by code, orders asked for vs
 * orders the brokers hold (must be equal), crashes (must be zero), RSS at start and end.
 *
 * Orders go to the brokers that deduplicate by brokerql's key (T-Invest, ALOR), each with its own
 * idempotency key, and a client here behaves as a careful one should: it repeats an order with
 * the same key until it gets a definite answer. Tinkoff v1 cannot deduplicate, so there a lost
 * answer stays "unknown" by design (test/faults.test.ts covers it).
 */

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    clients: { type: 'string', default: '6' },
  },
});
const deadline = Date.now() + Number(values.minutes) * 60_000;
const clients = Number(values.clients);

const readQueries = [
  '{ accounts { id portfolio { positions { quantity instrument { ticker } } cash { amount currency } } orders { id status } } }',
  '{ account(id: "tbank:2000345678") { portfolio { cash { amount currency } } } }',
  '{ account(id: "alor:D38291") { orders { id status } operations(from: "2024-06-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { type payment { amount } } } }',
  '{ orderbook(connection: "tbank", instrument: { figi: "BBG004730N88" }, depth: 5) { bids { price } asks { price } } }',
];
const orderTargets = [
  { broker: 'tinkoff', accountId: 'tbank:2000345678', instrument: '{ figi: "BBG004730N88" }' },
  { broker: 'alor', accountId: 'alor:D38291', instrument: '{ id: "alor:MOEX:SBER" }' },
];

const errorsByCode = new Map<string, number>();
let requests = 0;
let keySequence = 0;
/** Keys whose order a broker confirmed, per broker. */
const placed: Record<string, Set<string>> = { tinkoff: new Set(), alor: new Set() };
/** Keys a broker definitely refused (funds, price bands): no order. */
let refusedOrders = 0;
let unresolved = 0;

async function ask(gateway: Gateway, query: string): Promise<{ data?: Record<string, any>; errors?: Array<{ extensions: { code: string; retryable?: boolean; retryAfterSeconds?: number } }> } | undefined> {
  requests += 1;
  try {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.token}` },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: Array<{ extensions: { code: string } }> };
    for (const error of body.errors ?? []) errorsByCode.set(error.extensions.code, (errorsByCode.get(error.extensions.code) ?? 0) + 1);
    return body;
  } catch {
    errorsByCode.set('HTTP FAILURE', (errorsByCode.get('HTTP FAILURE') ?? 0) + 1);
    return undefined;
  }
}

/** Places one order and repeats it with the same key until the answer is definite. */
async function placeOrder(gateway: Gateway): Promise<void> {
  const sequence = keySequence++;
  const target = orderTargets[sequence % orderTargets.length]!;
  const key = `soak-${sequence}`;
  // Each broker alternates buying and selling, so cash and holdings last the whole run.
  const side = Math.floor(sequence / orderTargets.length) % 2 === 0 ? 'BUY' : 'SELL';
  const mutation = `mutation { placeOrder(input: { accountId: "${target.accountId}", instrument: ${target.instrument}, side: ${side}, type: MARKET, lots: 1, idempotencyKey: "${key}" }) { id status } }`;
  // Until well after the faults stop (and every circuit breaker has closed again): an order whose
  // answer was lost is settled by repeating it, however long the brokers kept failing.
  const giveUpAt = Math.max(Date.now(), deadline) + 60_000;
  while (Date.now() < giveUpAt) {
    const body = await ask(gateway, mutation);
    const id = body?.data?.['placeOrder']?.id;
    if (id) {
      placed[target.broker]!.add(key);
      return;
    }
    const error = body?.errors?.[0]?.extensions;
    if (error?.code === 'UPSTREAM_REJECTED' || error?.code === 'BAD_USER_INPUT') {
      refusedOrders += 1;
      return;
    }
    // Wait as the gateway says (an open circuit, a used-up budget), but ask at least every 5 s:
    // while a circuit is open the gateway answers at once without calling the broker.
    const wait = error?.retryAfterSeconds === undefined ? 250 : Math.min(error.retryAfterSeconds * 1_000, 5_000);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  unresolved += 1;
}

async function client(gateway: Gateway): Promise<void> {
  while (Date.now() < deadline) {
    if (Math.random() < 0.25) await placeOrder(gateway);
    else await ask(gateway, readQueries[Math.floor(Math.random() * readQueries.length)]!);
  }
}

const faults = [
  'kind=status&status=500&times=3',
  'kind=status&status=503&times=5',
  'kind=status&status=429&times=2',
  'kind=garbage&times=2',
  'kind=empty&times=2',
  'kind=reset-mid-response&times=2&after=1',
  'kind=drop&times=2&after=1',
  'kind=hang&times=1',
];

async function chaos(simulators: Awaited<ReturnType<typeof startSimulatorProcesses>>): Promise<number> {
  let injected = 0;
  while (Date.now() < deadline - 5_000) {
    await control(simulators, `/fault?${faults[Math.floor(Math.random() * faults.length)]}`);
    injected += 1;
    await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1_500));
  }
  await control(simulators, '/clear');
  return injected;
}

async function main(): Promise<number> {
  const simulators = await startSimulatorProcesses();
  // Short broker timeouts, so hung answers cost seconds, not minutes.
  const gateway = await startGateway(simulators, { name: 'soak', scope: 'trade', connection: { timeoutMs: 2_000 } });
  const ordersBefore = await control(simulators, '/orders', 'GET');
  const rssStart = await residentMemory(gateway);
  console.error(`soak: ${values.minutes} min, ${clients} clients, random broker faults…`);
  const [injected] = await Promise.all([chaos(simulators), ...Array.from({ length: clients }, () => client(gateway))]);
  const ordersAfter = await control(simulators, '/orders', 'GET');
  const rssEnd = await residentMemory(gateway).catch(() => 0);
  const crashed = gateway.process.exitCode !== null || gateway.process.signalCode !== null;

  const held = (broker: string) => (ordersAfter[broker]?.['orders'] ?? 0) - (ordersBefore[broker]?.['orders'] ?? 0);
  const report = {
    requestsServed: requests,
    faultsInjected: injected,
    errorsByCode: Object.fromEntries([...errorsByCode].sort()),
    orders: Object.fromEntries(
      Object.keys(placed).map((broker) => [broker, { confirmedToClients: placed[broker]!.size, heldByBroker: held(broker) }]),
    ),
    ordersRefusedByBrokers: refusedOrders,
    ordersUnresolved: unresolved,
    gatewayCrashes: crashed ? 1 : 0,
    rssMegabytes: { start: round(rssStart / 1_048_576), end: round(rssEnd / 1_048_576) },
  };
  console.log(JSON.stringify(report, null, 2));
  const ordersMatch = Object.keys(placed).every((broker) => placed[broker]!.size === held(broker));
  const ok = ordersMatch && !crashed && unresolved === 0;
  console.log(ok ? 'soak: every order asked for is held exactly once, no crash' : 'soak: FAILED');
  return ok ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
