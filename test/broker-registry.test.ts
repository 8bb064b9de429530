import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLEnumType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerRegistry, type BrokerKind } from '../src/brokers/registry.js';
import { loadConfigFile, parseConfig } from '../src/config.js';
import { createSchema } from '../src/schema.js';
import { simulatorRegistry, type SimulatedBroker } from '../src/simulators/index.js';
import { toyBroker } from './support/brokers/toy/index.js';
import { runCliInProcess } from './support/cli.js';
import { graphql } from './support/graphql.js';
import { startSimulator as startToySimulator } from './support/simulators/toy/index.js';
import { createToySimulator, toySimulatorKeys } from './support/simulators/toy/server.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * A broker is one definition (issue 14). The registries are records of definitions and
 * simulators by broker kind; a fifth broker that lives only in the tests — an adapter in
 * support/brokers/toy/, a simulator in support/simulators/toy/ — joins the four real ones through
 * the registry parameters alone (`brokerRegistry` of parseConfig, createGateway and the CLI's
 * environment; `simulatorRegistry` of startSimulators) and shows up in config validation,
 * `accounts` and `brokerql check` without a line of src/ knowing it.
 */

const withToy = { ...brokerRegistry, toy: toyBroker };
const simulatorsWithToy = { ...simulatorRegistry, toy: startToySimulator };

describe('the registries', () => {
  it('key each definition by its own kind, and the simulators by the same kinds', () => {
    // Both directions at compile time: a broker without a simulator, or the reverse, does not build.
    const simulatorsByKind: Record<BrokerKind, unknown> = simulatorRegistry;
    const brokersBySimulator: Record<SimulatedBroker, unknown> = brokerRegistry;
    expect(Object.keys(simulatorsByKind).sort()).toEqual(Object.keys(brokersBySimulator).sort());
    expect(Object.entries(brokerRegistry).map(([kind, definition]) => [kind, definition.kind])).toEqual(
      Object.keys(brokerRegistry).map((kind) => [kind, kind]),
    );
  });

  it("give the schema's Broker enum exactly the registered brokers' values, the SDL's own", () => {
    const values = (schema: ReturnType<typeof createSchema>) => (schema.getType('Broker') as GraphQLEnumType).getValues().map((value) => value.name);
    expect(values(createSchema()).sort()).toEqual(Object.values(brokerRegistry).map((definition) => definition.enumValue).sort());
    // A broker registered in code gets its value (described by its label) added to the SDL's.
    const extended = (createSchema({ brokerRegistry: withToy }).getType('Broker') as GraphQLEnumType).getValue('TOY');
    expect(extended?.description).toBe('Toy');
  });
});

describe('a fifth broker registered in code: config validation', () => {
  const entry = { id: 'play', broker: 'toy', key: 'k-1', baseUrl: 'http://127.0.0.1:9/api' };
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'brokerql-toy-config-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('validates its entries with its own schema, defaults of every connection included', () => {
    const config = parseConfig({ connections: [entry] }, { env: {}, brokerRegistry: withToy });
    expect(config.connections).toEqual([{ ...entry, timeoutMs: 15_000, connectTimeoutMs: 5_000, quota: true }]);
  });

  it('refuses an unknown key and a wrong type of its own keys, naming the file and the key', () => {
    const load = (yaml: string) => {
      const file = path.join(directory, 'toy.yaml');
      writeFileSync(file, yaml);
      return () => loadConfigFile(file, { env: {}, brokerRegistry: withToy });
    };
    expect(load(`connections:\n  - { id: play, broker: toy, key: k-1, baseUrl: http://127.0.0.1:9/api, colour: red }\n`)).toThrow(
      /toy\.yaml: connections\[0\]\.colour: unknown key$/,
    );
    expect(load(`connections:\n  - { id: play, broker: toy, key: [k-1], baseUrl: http://127.0.0.1:9/api }\n`)).toThrow(
      /toy\.yaml: connections\[0\]\.key: expected the toy API key as a string/,
    );
    expect(load(`connections:\n  - { id: play, broker: toy, key: k-1 }\n`)).toThrow(/toy\.yaml: connections\[0\]\.baseUrl: /);
  });

  it('is unknown, among the known ones listed, where the registry does not have it', () => {
    expect(() => parseConfig({ connections: [entry] }, { env: {} })).toThrow(
      'config: connections[0].broker: unknown broker "toy" (known: tinkoff, tinkoff-v1, alor, instaforex)',
    );
  });
});

describe('a fifth broker registered in code: the gateway', () => {
  let stack: Stack<typeof simulatorsWithToy>;
  beforeAll(async () => {
    stack = await startStack({ simulatorRegistry: simulatorsWithToy, brokerRegistry: withToy, brokers: ['toy', 'tinkoff'] });
  });
  afterAll(() => stack?.close());

  it('lists its accounts beside the real brokers, with its enum value, capabilities and cash', async () => {
    const result = await graphql<{ accounts: Array<{ id: string; broker: string }>; connections: Array<{ id: string; broker: string }> }>(
      stack.gateway,
      '{ accounts { id broker name capabilities { trading orderTypes orderbook operations } portfolio { cash { amount currency } } } connections { id broker } }',
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.accounts.filter((account) => account.broker === 'TOY')).toEqual([
      {
        id: 'toy:T-1',
        broker: 'TOY',
        name: 'Toy savings',
        capabilities: { trading: false, orderTypes: [], orderbook: false, operations: false },
        portfolio: { cash: [{ amount: '1234.56', currency: 'RUB' }] },
      },
      { id: 'toy:T-2', broker: 'TOY', name: null, capabilities: { trading: false, orderTypes: [], orderbook: false, operations: false }, portfolio: { cash: [{ amount: '0.25', currency: 'USD' }] } },
    ]);
    expect(result.data!.accounts.some((account) => account.broker === 'TINKOFF')).toBe(true);
    expect(result.data!.connections).toEqual([
      { id: 'tbank', broker: 'TINKOFF' },
      { id: 'toy', broker: 'TOY' },
    ]);
  });

  it('finds its instruments, and answers NOT_SUPPORTED from its definition for what it cannot do, asking it nothing', async () => {
    stack.simulators.toy!.server.resetCounters();
    const result = await graphql<{ instrument: unknown; account: { operations: unknown } }>(
      stack.gateway,
      '{ instrument(connection: "toy", ref: { symbol: "TOY" }) { id ticker name lotSize } account(id: "toy:T-1") { operations(from: "2024-01-01T00:00:00Z", to: "2024-02-01T00:00:00Z") { id } } }',
      { token: stack.readToken },
    );
    expect(result.data!.instrument).toEqual({ id: 'toy:TOY', ticker: 'TOY', name: 'Toy share', lotSize: 1 });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'NOT_SUPPORTED', connection: 'toy' });
    expect(result.errors![0]!.message).toBe('Toy (TOY) does not support operations (connection "toy")');
    // One call for the instrument (and the account list, unless cached); none for operations, which it has no route for.
    const calls = stack.simulators.toy!.server.requestCounts();
    expect(calls['instrument']).toBe(1);
    expect(Object.keys(calls).filter((route) => route !== 'accounts' && route !== 'instrument')).toEqual([]);
  });
});

describe('a fifth broker registered in code: brokerql check', () => {
  const toy = createToySimulator();
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'brokerql-toy-check-'));
    await toy.server.start();
  });
  afterAll(async () => {
    await toy.server.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('authenticates it, lists its accounts and capabilities, and says why a wrong key fails', async () => {
    const file = path.join(directory, 'check.yaml');
    writeFileSync(
      file,
      [
        'connections:',
        `  - { id: toy, broker: toy, key: ${toySimulatorKeys.valid}, baseUrl: ${toy.baseUrl} }`,
        `  - { id: toy-wrong, broker: toy, key: ${toySimulatorKeys.other}, baseUrl: ${toy.baseUrl} }`,
        '',
      ].join('\n'),
    );
    const result = await runCliInProcess(['check', '--config', file], {}, { brokerRegistry: withToy });
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^toy\s+toy\s+ok\s+T-1, T-2\s+read-only$/);
    expect(lines[2]).toMatch(/^toy-wrong\s+toy\s+FAILED\s+-\s+read-only$/);
    expect(result.stderr.trim()).toBe('brokerql: toy-wrong: wrong or expired credential — Toy refused the credential of connection "toy-wrong"; check it in the config');
    expect(result.stdout + result.stderr).not.toContain(toySimulatorKeys.valid);
  });

  it('is refused, naming the known brokers, by a CLI without it', async () => {
    const file = path.join(directory, 'check-unknown.yaml');
    writeFileSync(file, `connections:\n  - { id: toy, broker: toy, key: k, baseUrl: ${toy.baseUrl} }\n`);
    const result = await runCliInProcess(['check', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/connections\[0\]\.broker: unknown broker "toy" \(known: tinkoff, tinkoff-v1, alor, instaforex\)/);
  });
});
