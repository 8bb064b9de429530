import { SimulatedLimits } from '../../../../src/simulators/common/limits.js';
import { BrokerRefusal, routeTable } from '../../../../src/simulators/common/routes.js';
import { SimulatorServer } from '../../../../src/simulators/common/server.js';
import type { SimulatorRequest } from '../../../../src/simulators/common/http.js';
import { toyLimits } from '../../brokers/toy/limits.js';

/**
 * The toy broker of test/broker-registry.test.ts: a tiny protocol on the simulators' shared route
 * pipeline (auth → limits → handler → the broker's answer). Every request carries its key in
 * `X-Toy-Key`; answers are JSON with amounts as strings; refusals are `{"error": "…"}`. Like every
 * simulator it imports nothing of its adapter but the limits table.
 */

export const toySimulatorKeys = { valid: 'toy-key-4d2a', other: 'toy-key-unknown' } as const;

const accounts = [
  { number: 'T-1', title: 'Toy savings', cash: { currency: 'RUB', amount: '1234.56' } },
  { number: 'T-2', title: null, cash: { currency: 'USD', amount: '0.25' } },
];
const instruments = [{ symbol: 'TOY', name: 'Toy share', lot: 1 }];

const refusal = (status: number, error: string) => new BrokerRefusal({ status, body: { error } });

/** The value, or the toy broker's 404. */
function found<Value>(value: Value | undefined, what: string): Value {
  if (value === undefined) throw refusal(404, `no such ${what}`);
  return value;
}

export interface ToySimulator {
  server: SimulatorServer;
  readonly baseUrl: string;
}

export function createToySimulator(options: { rateLimits?: boolean } = {}): ToySimulator {
  const route = routeTable<string, 'key'>({
    base: '/api',
    authenticate(request: SimulatorRequest) {
      const key = request.headers['x-toy-key'];
      if (key !== toySimulatorKeys.valid) throw refusal(401, 'unknown key');
      return key;
    },
    limits: new SimulatedLimits({ table: toyLimits, enforce: options.rateLimits ?? true, now: Date.now }),
    limitKey: (key) => key,
    limited: ({ retryAfterSeconds }) => ({ status: 429, body: { error: 'slow down' }, headers: { 'retry-after': String(retryAfterSeconds) } }),
    success: (value) => ({ status: 200, body: value }),
  });

  const server = new SimulatorServer({
    name: 'toy',
    routes: [
      route({ method: 'GET', path: '/accounts', name: 'accounts', auth: 'key', handle: () => ({ accounts: accounts.map(({ number, title }) => ({ number, title })) }) }),
      route({
        method: 'GET',
        path: '/accounts/:number/cash',
        name: 'cash',
        auth: 'key',
        handle: ({ request }) => found(accounts.find((account) => account.number === request.params['number']), 'account').cash,
      }),
      route({
        method: 'GET',
        path: '/instruments/:symbol',
        name: 'instrument',
        auth: 'key',
        handle: ({ request }) => found(instruments.find((instrument) => instrument.symbol === request.params['symbol']), 'instrument'),
      }),
    ],
    errorResponse: (status) => ({ status, body: { error: `HTTP ${status}` } }),
  });

  return {
    server,
    get baseUrl() {
      return `${server.url}/api`;
    },
  };
}
