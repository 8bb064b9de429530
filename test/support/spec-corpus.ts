import { expect } from 'vitest';
import type { FaultRule } from '../../src/simulators/common/server.js';
import type { SimulatedBroker } from '../../src/simulators/index.js';

/**
 * The differential test's corpus (test/spec-execution.test.ts): documents that exercise the
 * spec's execution — queries with and without errors (broker failures, nulls in non-null
 * positions, partial errors), aliases, fragments, @skip/@include, introspection, several
 * operations, bad variables of every kind, and mutations that must stop at their first failure.
 * Order matters: both twins run the cases in this order, and earlier cases warm caches.
 */

export interface CorpusCase {
  name: string;
  query: string;
  /** Sent as this exact JSON text when a string (for shapes JSON.stringify cannot make). */
  variables?: Record<string, unknown> | string;
  operationName?: string;
  scope?: 'READ' | 'TRADE';
  /** Injected into both twins' simulators for this document only. */
  faults?: Array<{ broker: SimulatedBroker; rule: FaultRule }>;
  /** What the document is there to exercise, checked on the production answer (so the corpus cannot quietly stop testing it). */
  exercises?: (body: ResponseBody) => void;
}

export interface ResponseBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; locations?: unknown; extensions?: Record<string, unknown> }>;
}

export const tbank = 'tbank:2000345678';
const legacy = 'tinkoff-legacy:2054816137';
const alor = 'alor:D38291';
export const sber = '{ figi: "BBG004730N88" }';
export const order = (account: string, instrument: string, lots: number | string, extra = '') =>
  `{ accountId: "${account}", instrument: ${instrument}, side: BUY, type: MARKET, lots: ${lots}${extra} }`;
const hasError = (code: string) => (body: ResponseBody) =>
  expect(body.errors?.map((error) => error.extensions?.['code'])).toContain(code);

export const queries: CorpusCase[] = [
  {
    // First, while no account list is cached yet.
    name: 'connections that fail while the others answer: partial accounts, one error per connection',
    query: `{ accounts { id broker } connections { id accounts { id } } }`,
    faults: [
      { broker: 'alor', rule: { route: 'POST /refresh', fault: { kind: 'status', status: 503 } } },
      { broker: 'instaforex', rule: { fault: { kind: 'status', status: 503 } } },
    ],
    exercises: (body) => {
      // Field errors as execution met them, then the partial errors `accounts` collected.
      expect(body.errors?.map((error) => [error.path, error.extensions?.['connection']])).toEqual([
        [['connections', 2, 'accounts'], 'alor'],
        [['connections', 3, 'accounts'], 'ifx'],
        [['accounts'], 'alor'],
        [['accounts'], 'ifx'],
      ]);
    },
  },
  {
    name: 'a non-null field that fails nulls its nearest nullable parent (v1 orders carry no ticker; its lookup fails)',
    query: `{ account(id: "${legacy}") { id orders { id instrument { id ticker } } } }`,
    // 429 (no retry, not a broker failure): every lookup fails at once, deterministically.
    faults: [{ broker: 'tinkoff-v1', rule: { route: 'GET /market/search/by-figi', fault: { kind: 'status', status: 429 } } }],
    exercises: (body) => {
      expect(body.data).toEqual({ account: { id: legacy, orders: null } });
      expect(body.errors?.[0]?.path).toEqual(['account', 'orders', 0, 'instrument', 'ticker']);
    },
  },
  {
    name: 'a failing broker nulls only that account’s portfolio',
    query: `{ accounts { id portfolio { cash { amount currency } } } }`,
    // One account only: its retries stay under the circuit breaker's threshold. Cash alone is
    // read from GetPositions (GetPortfolio is not called for it).
    faults: [{ broker: 'tinkoff', rule: { route: 'OperationsService/GetPositions', fault: { kind: 'status', status: 500 }, when: ({ body }) => body.includes('2008765432') } }],
    exercises: (body) => {
      const accounts = (body.data as { accounts: Array<{ id: string }> }).accounts;
      const failing = accounts.findIndex((account) => account.id === 'tbank:2008765432');
      expect(failing).toBeGreaterThanOrEqual(0);
      expect(body.errors?.map((error) => error.path)).toEqual([['accounts', failing, 'portfolio']]);
    },
  },
  {
    name: 'every account of a broker refused at once, errors in the order of the fields',
    query: `{ accounts { id orders { id } portfolio { cash { amount } } } }`,
    faults: [{ broker: 'tinkoff', rule: { fault: { kind: 'status', status: 429 }, when: ({ body }) => body.includes('accountId') } }],
    // Two fields of every T-Invest account.
    exercises: (body) => {
      const accounts = (body.data as { accounts: Array<{ id: string }> }).accounts.filter((account) => account.id.startsWith('tbank:'));
      expect(accounts.length).toBeGreaterThan(1);
      expect(body.errors?.length).toBe(2 * accounts.length);
    },
  },
  {
    name: 'accounts with their capabilities',
    query: `{ accounts { id broker brokerAccountId name type capabilities { trading orderTypes orderbook operations } } }`,
  },
  {
    name: 'portfolios, orders and instruments of every broker',
    query: `{ accounts { id portfolio { positions { quantity lots averagePrice { amount currency } currentPrice { amount currency }
      expectedYield { amount } marketValue { amount currency } instrument { id ticker figi exchange name type currency lotSize minPriceIncrement lastPrice } }
      cash { amount currency } } orders { id side type status price requestedLots executedLots message instrument { id ticker } account { id } } } }`,
  },
  {
    name: 'aliases, named and inline fragments, __typename',
    query: `query Overview { first: accounts { ...Row } viewer { name scope accounts { __typename id } } __typename }
      fragment Row on Account { __typename id b: broker ... on Account { kind: type } ...@include(if: true) { name } }`,
  },
  {
    name: '@skip and @include from variables, on fields, fragments and spreads',
    query: `query($yes: Boolean!, $no: Boolean = false) { accounts { id @include(if: $yes) broker @skip(if: $yes) name @include(if: $no)
      ...Caps @skip(if: $no) ... @include(if: $no) { type } } } fragment Caps on Account { capabilities { trading } }`,
    variables: { yes: true },
  },
  {
    name: 'operations over a period, from variables',
    query: `query($from: DateTime!, $to: DateTime!, $ref: InstrumentRef) { account(id: "${tbank}") { operations(from: $from, to: $to, instrument: $ref) {
      id type brokerType status date quantity price payment { amount currency } commission { amount } instrument { ticker } } } }`,
    variables: { from: '2024-01-01T00:00:00Z', to: '2024-12-31T23:59:59Z', ref: null },
  },
  {
    name: 'an account that does not exist is null with NOT_FOUND',
    query: `{ account(id: "tbank:999") { id } other: account(id: "${tbank}") { id } }`,
    exercises: hasError('NOT_FOUND'),
  },
  {
    name: 'an id without a connection is BAD_USER_INPUT on its field only',
    query: `{ account(id: "nope") { id } accounts { id } }`,
    exercises: hasError('BAD_USER_INPUT'),
  },
  {
    name: 'an argument refused inside a nullable nested field',
    query: `{ instrument(connection: "tbank", ref: ${sber}) { ticker lotSize orderbook(depth: 0) { bids { price } } } }`,
    exercises: (body) => expect(body.errors?.[0]?.path).toEqual(['instrument', 'orderbook']),
  },
  {
    name: 'what a broker cannot do is NOT_SUPPORTED on that field',
    query: `{ orderbook(connection: "ifx", instrument: { symbol: "EURUSD" }) { lastPrice } instrument(connection: "ifx", ref: { symbol: "EURUSD" }) { id ticker lastPrice } }`,
    exercises: hasError('NOT_SUPPORTED'),
  },
  {
    name: 'an unknown connection and an unknown instrument',
    query: `{ a: instrument(connection: "nowhere", ref: ${sber}) { id } b: instrument(connection: "tbank", ref: { figi: "BBG000000000" }) { id } c: instrument(connection: "tbank", ref: {}) { id } }`,
  },
  {
    name: 'orderbooks with depth from a variable and its default',
    query: `query($depth: Int) { a: orderbook(connection: "tbank", instrument: ${sber}, depth: $depth) { bids { price quantity } asks { price } lastPrice instrument { ticker } }
      b: orderbook(connection: "alor", instrument: { symbol: "SBER", exchange: "MOEX" }) { bids { price } } }`,
    variables: { depth: 3 },
  },
  {
    name: 'introspection',
    query: `{ __schema { queryType { name } mutationType { name } } __type(name: "Order") { name fields { name type { kind name ofType { name } } } } }`,
  },
  {
    name: 'several operations, the one named runs',
    query: `query Accounts { accounts { id } } query Viewer { viewer { scope name } }`,
    operationName: 'Viewer',
  },
  {
    name: 'several operations and no operationName',
    query: `query Accounts { accounts { id } } query Viewer { viewer { scope } }`,
  },
  {
    name: 'an operationName the document does not have',
    query: `query Accounts { accounts { id } }`,
    operationName: 'Missing',
  },
];

/** Variables of every wrong kind, against one placeOrder or one query. */
const placeWithVariables = `mutation Place($account: ID!, $ref: InstrumentRef!, $side: OrderSide!, $lots: Int!, $price: Decimal, $key: String) {
  placeOrder(input: { accountId: $account, instrument: $ref, side: $side, type: LIMIT, lots: $lots, price: $price, idempotencyKey: $key }) { id status } }`;
const goodVariables = { account: tbank, ref: { figi: 'BBG004730N88' }, side: 'BUY', lots: 1, price: '250' };
const badVariables: Array<[string, Record<string, unknown> | string]> = [
  ['a string for an Int', { ...goodVariables, lots: '1' }],
  ['a fraction for an Int', { ...goodVariables, lots: 1.5 }],
  ['an Int beyond 32 bits', { ...goodVariables, lots: 2 ** 31 }],
  ['a boolean for an Int', { ...goodVariables, lots: true }],
  ['an object for an Int', { ...goodVariables, lots: { value: 1 } }],
  ['a list for an Int', { ...goodVariables, lots: [1] }],
  ['a lower-case enum value', { ...goodVariables, side: 'buy' }],
  ['a number for an enum', { ...goodVariables, side: 1 }],
  ['an unknown enum value', { ...goodVariables, side: 'HOLD' }],
  ['a list for an input object', { ...goodVariables, ref: [{ figi: 'BBG004730N88' }] }],
  ['a string for an input object', { ...goodVariables, ref: 'BBG004730N88' }],
  ['an object where a String goes', { ...goodVariables, ref: { figi: { value: 'BBG004730N88' } } }],
  ['an unknown input field', { ...goodVariables, ref: { figi: 'BBG004730N88', ticker: 'SBER' } }],
  ['null for a non-null variable', { ...goodVariables, side: null }],
  ['a missing non-null variable', { ref: goodVariables.ref, side: 'BUY', lots: 1 }],
  ['a JSON number for a Decimal', { ...goodVariables, price: 250.5 }],
  ['text that is not a decimal', { ...goodVariables, price: '2,5' }],
  ['a number for a String', { ...goodVariables, key: 42 }],
  ['an object for an ID', { ...goodVariables, account: { id: tbank } }],
  ['several wrong variables at once', { ...goodVariables, lots: '1', side: 'buy', ref: [] }],
  ['variables as a list', '[1, 2]'],
  ['variables as a string', '"lots"'],
];

export const variableCases: CorpusCase[] = badVariables.map(([name, variables]) => ({
  name: `bad variables: ${name}`,
  query: placeWithVariables,
  variables,
  scope: 'TRADE',
}));

export const mutations: CorpusCase[] = [
  {
    name: 'serial mutations stop at the first field whose error nulls the root: the second order is never sent',
    query: `mutation { a: placeOrder(input: ${order(tbank, sber, 0)}) { id } b: placeOrder(input: ${order(tbank, sber, 1)}) { id } }`,
    scope: 'TRADE',
    exercises: (body) => {
      expect(body.data).toBeNull();
      expect(body.errors?.map((error) => error.path)).toEqual([['a']]);
    },
  },
  {
    name: 'the first mutation runs, the second fails, the third never runs',
    query: `mutation { a: placeOrder(input: ${order(alor, '{ symbol: "SBER", exchange: "MOEX" }', 1)}) { id status executedLots }
      b: cancelOrder(accountId: "${alor}", orderId: "1") { id } c: placeOrder(input: ${order(tbank, sber, 1)}) { id } }`,
    scope: 'TRADE',
    exercises: (body) => expect(body.errors?.map((error) => error.path)).toEqual([['b']]),
  },
  {
    name: 'mutations in order, with aliases, fragments and a nested nullable error',
    query: `mutation Trade { first: placeOrder(input: ${order(tbank, sber, 1, ', idempotencyKey: "diff-1"')}) { ...Placed }
      again: placeOrder(input: ${order(tbank, sber, 1, ', idempotencyKey: "diff-1"')}) { ...Placed instrument { orderbook(depth: 0) { lastPrice } } } __typename }
      fragment Placed on Order { id side type status requestedLots executedLots instrument { id ticker } account { id } }`,
    scope: 'TRADE',
  },
  {
    name: 'a broker refusal is UPSTREAM_REJECTED and stops the rest',
    query: `mutation { a: placeOrder(input: ${order(tbank, sber, 999_999)}) { id } b: placeOrder(input: ${order(tbank, sber, 1)}) { id } }`,
    scope: 'TRADE',
    exercises: hasError('UPSTREAM_REJECTED'),
  },
  {
    name: 'a broker that fails mid-mutation',
    query: `mutation { a: placeOrder(input: ${order(legacy, sber, 1)}) { id } b: placeOrder(input: ${order(tbank, sber, 1)}) { id } }`,
    scope: 'TRADE',
    faults: [{ broker: 'tinkoff-v1', rule: { route: 'POST /orders/market-order', fault: { kind: 'status', status: 500 } } }],
  },
  {
    name: 'a READ token is refused every mutation',
    query: `mutation { a: placeOrder(input: ${order(tbank, sber, 1)}) { id } b: cancelOrder(accountId: "${tbank}", orderId: "52218163123") { id } }`,
    exercises: hasError('FORBIDDEN'),
  },
  {
    name: 'a query and a mutation in one document, the mutation named',
    query: `query Look { accounts { id } } mutation Cancel { cancelOrder(accountId: "${tbank}", orderId: "52218163123") { id status } }`,
    operationName: 'Cancel',
    scope: 'TRADE',
  },
  {
    name: 'a mutation that succeeds, from variables',
    query: placeWithVariables,
    variables: { ...goodVariables, key: 'diff-variables' },
    scope: 'TRADE',
  },
];
