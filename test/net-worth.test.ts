import BigConstructor from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Query.netWorth against the simulators. The expected numbers are computed here from the
 * simulators' own state (holdings × last price + cash, MT4's balance + floating result) with
 * big.js directly — not with brokerql's code — and rounded half to even at the currency's
 * minor unit, as the schema documents.
 */

const Big = BigConstructor();
Big.DP = 40;
const roundHalfEven = 2;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff', 'instaforex'] });
});
afterAll(() => stack.close());

const usdFigi = 'BBG0013HGFT4';

/** roubles and dollars of one T-Invest account, straight from the simulator's state. */
function tinkoffAccount(accountId: string): { positionsRub: BigConstructor.Big; positionsUsd: BigConstructor.Big; cashRub: BigConstructor.Big; cashUsd: BigConstructor.Big } {
  const state = stack.tinkoff.state;
  let positionsRub = new Big(0);
  let positionsUsd = new Big(0);
  for (const [figi, holding] of state.securities(accountId)) {
    const instrument = state.instrument(figi);
    const value = new Big(holding.quantity).times(state.market.lastPrice(figi));
    if (instrument.currency === 'usd') positionsUsd = positionsUsd.plus(value);
    else positionsRub = positionsRub.plus(value);
  }
  const cash = state.totalCash(accountId);
  return { positionsRub, positionsUsd, cashRub: new Big(cash.get('rub') ?? '0'), cashUsd: new Big(cash.get('usd') ?? '0') };
}

const tinkoffAccounts = ['2000345678', '2008765432', '2031415926', '2019283746'];

function instaforexUsd(): BigConstructor.Big {
  const balance = stack.simulators.instaforex!.state.balanceInformation(2100123)!;
  // What the account is worth to its owner: the balance plus what closing every trade adds (the broker's credit is not theirs).
  return new Big(balance.balance).plus(balance.profit);
}

const query = `query ($currency: String!) {
  netWorth(currency: $currency) {
    total { amount currency }
    accounts { account { id } positions { amount currency } cash { amount currency } total { amount currency } }
    rates { from to rate instrument price source asOf }
    missing { account { id } instrument { id } reason }
    unreachable { connection { id } reason }
    complete
    asOf
  }
}`;

type NetWorthAnswer = {
  total: { amount: string; currency: string };
  accounts: Array<{ account: { id: string }; positions: { amount: string }; cash: { amount: string }; total: { amount: string } }>;
  rates: Array<Record<string, string>>;
  missing: Array<{ account: { id: string }; instrument: { id: string } | null; reason: string }>;
  unreachable: Array<{ connection: { id: string }; reason: string }>;
  complete: boolean;
};

async function netWorth(currency: string, token = stack.readToken) {
  const result = await graphql(stack.gateway, query, { token, variables: { currency } });
  return { result, worth: result.data?.['netWorth'] as NetWorthAnswer };
}

describe('netWorth', () => {
  it('values every account in roubles exactly, from the brokers\' prices and the USD rate', async () => {
    const { result, worth } = await netWorth('RUB');
    expect(result.errors).toBeUndefined();
    const usd = new Big(stack.tinkoff.state.market.lastPrice(usdFigi));
    let expected = new Big(0);
    for (const id of tinkoffAccounts) {
      const own = tinkoffAccount(id);
      const positions = own.positionsRub.plus(own.positionsUsd.times(usd));
      const cash = own.cashRub.plus(own.cashUsd.times(usd));
      expected = expected.plus(positions).plus(cash);
      expect(worth.accounts.find((row) => row.account.id === `tbank:${id}`)).toEqual({
        account: { id: `tbank:${id}` },
        positions: { amount: positions.round(2, roundHalfEven).toFixed(), currency: 'RUB' },
        cash: { amount: cash.round(2, roundHalfEven).toFixed(), currency: 'RUB' },
        total: { amount: positions.plus(cash).round(2, roundHalfEven).toFixed(), currency: 'RUB' },
      });
    }
    const ifx = instaforexUsd().times(usd);
    expected = expected.plus(ifx);
    expect(worth.accounts.find((row) => row.account.id === 'ifx:2100123')!.total.amount).toBe(ifx.round(2, roundHalfEven).toFixed());
    expect(worth.total).toEqual({ amount: expected.round(2, roundHalfEven).toFixed(), currency: 'RUB' });
    expect(worth.rates).toEqual([
      expect.objectContaining({ from: 'USD', to: 'RUB', rate: usd.toFixed(), instrument: `tbank:${usdFigi}`, price: usd.toFixed(), source: `last price of tbank:${usdFigi}` }),
    ]);
    expect(worth.missing).toEqual([]);
    expect(worth.complete).toBe(true);
  });

  it('values everything in dollars: roubles divided by the USD price once, dollars as they are', async () => {
    const { result, worth } = await netWorth('USD');
    expect(result.errors).toBeUndefined();
    const usd = new Big(stack.tinkoff.state.market.lastPrice(usdFigi));
    let roubles = new Big(0);
    let dollars = instaforexUsd();
    for (const id of tinkoffAccounts) {
      const own = tinkoffAccount(id);
      roubles = roubles.plus(own.positionsRub).plus(own.cashRub);
      dollars = dollars.plus(own.positionsUsd).plus(own.cashUsd);
    }
    expect(worth.total).toEqual({ amount: roubles.div(usd).plus(dollars).round(2, roundHalfEven).toFixed(), currency: 'USD' });
    expect(worth.accounts.find((row) => row.account.id === 'ifx:2100123')!.total.amount).toBe(instaforexUsd().round(2, roundHalfEven).toFixed());
    expect(worth.rates).toEqual([
      expect.objectContaining({ from: 'RUB', to: 'USD', instrument: `tbank:${usdFigi}`, price: usd.toFixed(), source: `inverse of the last price of tbank:${usdFigi}` }),
    ]);
  });

  it('splits the total by connection and by instrument type', async () => {
    const result = await graphql(stack.gateway, '{ netWorth { total { amount } byConnection { key value { amount currency } } byInstrumentType { key value { amount } } } }', {
      token: stack.readToken,
    });
    const worth = result.data!['netWorth'] as { byConnection: Array<{ key: string; value: { amount: string } }>; byInstrumentType: Array<{ key: string; value: { amount: string } }> };
    const usd = new Big(stack.tinkoff.state.market.lastPrice(usdFigi));
    const state = stack.tinkoff.state;
    const byType = new Map<string, BigConstructor.Big>();
    let tinkoffTotal = new Big(0);
    for (const id of tinkoffAccounts) {
      for (const [figi, holding] of state.securities(id)) {
        const instrument = state.instrument(figi);
        const value = new Big(holding.quantity).times(state.market.lastPrice(figi)).times(instrument.currency === 'usd' ? usd : 1);
        byType.set(instrument.instrumentType, (byType.get(instrument.instrumentType) ?? new Big(0)).plus(value));
        tinkoffTotal = tinkoffTotal.plus(value);
      }
      const own = tinkoffAccount(id);
      const cash = own.cashRub.plus(own.cashUsd.times(usd));
      byType.set('cash', (byType.get('cash') ?? new Big(0)).plus(cash));
      tinkoffTotal = tinkoffTotal.plus(cash);
    }
    expect(worth.byConnection).toEqual([
      { key: 'tbank', value: { amount: tinkoffTotal.round(2, roundHalfEven).toFixed(), currency: 'RUB' } },
      { key: 'ifx', value: { amount: instaforexUsd().times(usd).round(2, roundHalfEven).toFixed(), currency: 'RUB' } },
    ]);
    for (const type of ['share', 'bond', 'etf']) {
      expect(worth.byInstrumentType.find((slice) => slice.key === type)?.value.amount).toBe(byType.get(type)!.round(2, roundHalfEven).toFixed());
    }
    // InstaForex's balance is cash too; its open trades count what closing them adds (forex).
    const ifxBalance = new Big(stack.simulators.instaforex!.state.balanceInformation(2100123)!.balance).times(usd);
    expect(worth.byInstrumentType.find((slice) => slice.key === 'cash')?.value.amount).toBe(byType.get('cash')!.plus(ifxBalance).round(2, roundHalfEven).toFixed());
  });

  it('sees only the accounts of an account-limited token', async () => {
    const { worth } = await netWorth('RUB', stack.token('READ', ['tbank:2008765432']));
    expect(worth.accounts.map((row) => row.account.id)).toEqual(['tbank:2008765432']);
    const own = tinkoffAccount('2008765432');
    expect(worth.total.amount).toBe(own.positionsRub.plus(own.cashRub).round(2, roundHalfEven).toFixed());
  });

  it('puts the accounts of a failing broker in missing and an error on total, never a silently lower total', async () => {
    stack.tinkoff.server.injectFault({
      route: 'OperationsService/GetPositions',
      fault: { kind: 'status', status: 500 },
      when: (request) => request.body.includes('2000345678'),
    });
    try {
      const { result, worth } = await netWorth('RUB');
      expect(worth.missing).toEqual([{ account: { id: 'tbank:2000345678' }, instrument: null, reason: expect.stringMatching(/^its broker did not answer: /) }]);
      expect(worth.accounts.map((row) => row.account.id)).not.toContain('tbank:2000345678');
      expect(worth.complete).toBe(false);
      expect(result.errors).toEqual([
        expect.objectContaining({ path: ['netWorth', 'total'], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', connection: 'tbank' }) }),
      ]);
      const usd = new Big(stack.tinkoff.state.market.lastPrice(usdFigi));
      const rest = tinkoffAccounts
        .filter((id) => id !== '2000345678')
        .map(tinkoffAccount)
        .reduce((sum, own) => sum.plus(own.positionsRub).plus(own.cashRub), instaforexUsd().times(usd));
      expect(worth.total.amount).toBe(rest.round(2, roundHalfEven).toFixed());
    } finally {
      stack.tinkoff.server.clearFaults();
    }
  });

  it('names a currency no broker quotes in missing rather than counting it as nothing', async () => {
    const { result, worth } = await netWorth('JPY');
    // Nothing is held in yen and no broker quotes it: every non-zero amount is a gap.
    expect(worth.total).toEqual({ amount: '0', currency: 'JPY' });
    expect(worth.complete).toBe(false);
    // A client reading only the total still learns that it is short.
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['netWorth', 'total'], extensions: expect.objectContaining({ code: 'NOT_SUPPORTED' }), message: expect.stringMatching(/^the total leaves out \d+ holdings brokerql could not value in JPY \(listed in missing\)/) }),
    ]);
    expect(worth.missing.map((gap) => gap.reason)).toContain(
      'its RUB cash: no exchange rate from RUB is known (a broker\'s currency instrument with a last price)',
    );
  });

  it('refuses a currency that is not an ISO 4217 code', async () => {
    for (const currency of ['usd', 'RUBX', '', 'R$B']) {
      const { result } = await netWorth(currency);
      expect(result.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/ISO 4217/);
    }
  });
});

describe('netWorth across every simulated broker', () => {
  let every: Stack;
  beforeAll(async () => {
    every = await startStack({ brokers: ['tinkoff', 'tinkoff-v1', 'alor', 'instaforex'] });
  });
  afterAll(() => every.close());

  it('adds T-Invest, Tinkoff v1, ALOR and InstaForex up in roubles exactly', async () => {
    const usd = new Big(every.tinkoff.state.market.lastPrice(usdFigi));
    const inRoubles = (amount: BigConstructor.Big, currency: string) => (currency.toUpperCase() === 'USD' ? amount.times(usd) : amount);
    const perAccount = new Map<string, BigConstructor.Big>();

    const tinkoff = every.tinkoff.state;
    for (const id of tinkoffAccounts) {
      let value = new Big(0);
      for (const [figi, holding] of tinkoff.securities(id)) value = value.plus(inRoubles(new Big(holding.quantity).times(tinkoff.market.lastPrice(figi)), tinkoff.instrument(figi).currency));
      for (const [currency, amount] of tinkoff.totalCash(id)) value = value.plus(inRoubles(new Big(amount), currency));
      perAccount.set(`tbank:${id}`, value);
    }
    const legacy = every.simulators.tinkoffV1!.state;
    for (const account of legacy.tradingAccounts) {
      let value = new Big(0);
      for (const [figi, holding] of account.holdings) value = value.plus(inRoubles(new Big(holding.balance).times(legacy.instrument(figi).lastPrice), legacy.instrument(figi).currency));
      for (const [currency, amount] of account.cash) if (!new Big(amount).eq(0)) value = value.plus(inRoubles(new Big(amount), currency));
      perAccount.set(`tinkoff-legacy:${account.brokerAccountId}`, value);
    }
    const alor = every.simulators.alor!.state;
    for (const portfolio of ['D38291', 'D38292']) {
      let value = alor.cash(portfolio);
      for (const holding of alor.holdings(portfolio, 'MOEX')) {
        const instrument = alor.instrument('MOEX', holding.symbol)!;
        // ALOR prices a bond in percent of its face value: price × price step / minimum step is the money.
        value = value.plus(new Big(instrument.lastPrice).times(instrument.pricestep).div(instrument.minstep).times(holding.units));
      }
      perAccount.set(`alor:${portfolio}`, value);
    }
    const ifx = every.simulators.instaforex!.state.balanceInformation(2100123)!;
    perAccount.set('ifx:2100123', new Big(ifx.balance).plus(ifx.profit).times(usd));

    const result = await graphql(every.gateway, '{ netWorth { total { amount } complete accounts { account { id } total { amount } } } }', { token: every.readToken });
    expect(result.errors).toBeUndefined();
    const worth = result.data!['netWorth'] as { total: { amount: string }; complete: boolean; accounts: Array<{ account: { id: string }; total: { amount: string } }> };
    expect(worth.complete).toBe(true);
    for (const [id, value] of perAccount) {
      expect(worth.accounts.find((row) => row.account.id === id)?.total.amount, id).toBe(value.round(2, roundHalfEven).toFixed());
    }
    const sum = [...perAccount.values()].reduce((total, value) => total.plus(value), new Big(0));
    expect(worth.total.amount).toBe(sum.round(2, roundHalfEven).toFixed());
  });
});

describe('netWorth with a position its broker cannot price', () => {
  let legacy: Stack;
  beforeAll(async () => {
    legacy = await startStack({ brokers: ['tinkoff-v1'] });
  });
  afterAll(() => legacy.close());

  it('names the position in missing, leaves it out of the total, and counts the rest', async () => {
    // Tinkoff v1's portfolio has no prices: each comes from the instrument's order book. SBER's fails.
    const v1 = legacy.simulators.tinkoffV1!.server;
    v1.injectFault({ route: 'GET /market/orderbook', fault: { kind: 'status', status: 500 }, when: (request) => request.query.get('figi') === 'BBG004730N88' });
    try {
      const result = await graphql(legacy.gateway, '{ netWorth { total { amount } complete missing { account { id } instrument { id } reason } } }', { token: legacy.readToken });
      const worth = result.data!['netWorth'] as { total: { amount: string }; complete: boolean; missing: Array<{ account: { id: string }; instrument: { id: string } | null; reason: string }> };
      expect(worth.complete).toBe(false);
      expect(result.errors?.map((error) => [error.path, error.extensions['code']])).toEqual([[['netWorth', 'total'], 'NOT_SUPPORTED']]);
      expect(worth.missing).toEqual([
        { account: { id: 'tinkoff-legacy:2054816137' }, instrument: { id: 'tinkoff-legacy:BBG004730N88' }, reason: expect.stringMatching(/^its last price could not be read: /) },
        // Tinkoff v1 lists no currency instruments: alone, it has no rate for its dollars.
        { account: { id: 'tinkoff-legacy:2054816137' }, instrument: null, reason: "its positions priced in USD: no exchange rate from USD is known (a broker's currency instrument with a last price)" },
        { account: { id: 'tinkoff-legacy:2054816137' }, instrument: null, reason: "its USD cash: no exchange rate from USD is known (a broker's currency instrument with a last price)" },
      ]);
      const state = legacy.simulators.tinkoffV1!.state;
      // Everything held in roubles but SBER.
      let expected = new Big(0);
      for (const account of state.tradingAccounts) {
        for (const [figi, holding] of account.holdings) {
          const instrument = state.instrument(figi);
          if (figi !== 'BBG004730N88' && instrument.currency === 'RUB') expected = expected.plus(new Big(holding.balance).times(instrument.lastPrice));
        }
        expected = expected.plus(account.cash.get('RUB') ?? '0');
      }
      expect(worth.total.amount).toBe(expected.round(2, roundHalfEven).toFixed());
    } finally {
      v1.clearFaults();
    }
  });
});

describe('netWorth with a connection that cannot list its accounts', () => {
  let broken: Stack;
  beforeAll(async () => {
    broken = await startStack({ extraConnections: [{ id: 'broken', broker: 'tinkoff', token: 'not-a-valid-token' }] });
  });
  afterAll(() => broken.close());

  it('lists the connection as unreachable, with an error on total', async () => {
    const result = await graphql(broken.gateway, '{ netWorth { total { amount } unreachable { connection { id } reason } complete } }', { token: broken.readToken });
    const worth = result.data!['netWorth'] as Pick<NetWorthAnswer, 'unreachable' | 'complete'>;
    expect(worth.unreachable).toEqual([{ connection: { id: 'broken' }, reason: expect.stringMatching(/^its accounts could not be listed: /) }]);
    expect(worth.complete).toBe(false);
    expect(result.errors).toEqual([expect.objectContaining({ path: ['netWorth', 'total'], extensions: expect.objectContaining({ code: 'UPSTREAM_AUTH', connection: 'broken' }) })]);
  });
});
