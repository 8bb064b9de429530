import Big from 'big.js';
import { isLosslessNumber, parse } from 'lossless-json';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createInstaforexSimulator,
  instaforexRouteNames,
  instaforexSimulatorAccount,
  instaforexSimulatorPartner,
  instaforexSimulatorSecondAccount,
  type InstaforexSimulator,
  type InstaforexSimulatorOptions,
} from '../../src/simulators/instaforex/server.js';

/** The InstaForex Client Cabinet API simulator, over real loopback HTTP. */

const running: InstaforexSimulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.server.stop()));
});

async function start(options: InstaforexSimulatorOptions = {}): Promise<InstaforexSimulator> {
  const simulator = createInstaforexSimulator(options);
  await simulator.server.start();
  running.push(simulator);
  return simulator;
}

const mainLogin = instaforexSimulatorAccount.login;
const denial = { Message: 'Authorization has been denied for this request.' };

function requestToken(simulator: InstaforexSimulator, body: unknown, method = 'RequestClientApiToken'): Promise<Response> {
  return fetch(`${simulator.baseUrl}/api/Authentication/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The raw token body, quotes included, as the official samples pass it on. */
async function rawToken(
  simulator: InstaforexSimulator,
  credentials: { login: string; password: string } = instaforexSimulatorAccount,
  method = 'RequestClientApiToken',
) {
  const response = await requestToken(simulator, { Login: Number(credentials.login), Password: credentials.password }, method);
  expect(response.status).toBe(200);
  return response.text();
}

function get(simulator: InstaforexSimulator, path: string, passkey?: string, method = 'GET'): Promise<Response> {
  return fetch(`${simulator.baseUrl}${path}`, { method, headers: passkey === undefined ? {} : { passkey } });
}

/** JSON with every number kept as its exact text (amounts are compared with big.js). */
type Exact = Record<string, unknown>;
async function exactJson(response: Response): Promise<unknown> {
  return parse(await response.text());
}
const big = (value: unknown) => {
  if (!isLosslessNumber(value)) throw new Error(`not a number: ${String(value)}`);
  return new Big(value.toString());
};
const number = (value: unknown) => big(value).toNumber();

describe('InstaForex simulator: passkeys', () => {
  it('issues a token as a quoted JSON string for an int Login', async () => {
    const simulator = await start();
    const response = await requestToken(simulator, { Login: 2100123, Password: instaforexSimulatorAccount.password });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await response.text();
    expect(text).toMatch(/^"[0-9a-f]{32}"$/);
    const issued = simulator.state.tokens.issued();
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ token: JSON.parse(text), kind: 'client', login: 2100123 });
  });

  it('accepts Login as a numeric string and lower-case keys', async () => {
    const simulator = await start();
    const asString = await requestToken(simulator, { Login: mainLogin, Password: instaforexSimulatorAccount.password });
    const lowerCase = await requestToken(simulator, { login: mainLogin, password: instaforexSimulatorAccount.password });
    expect(asString.status).toBe(200);
    expect(lowerCase.status).toBe(200);
    const first = JSON.parse(await asString.text()) as string;
    const second = JSON.parse(await lowerCase.text()) as string;
    expect(first).not.toBe(second);
    expect((await get(simulator, `/client/RequestBalanceInformation/${mainLogin}`, second)).status).toBe(200);
  });

  it('takes the passkey with or without its JSON quotes, and rejects a missing or unknown one', async () => {
    const simulator = await start();
    const quoted = await rawToken(simulator);
    const bare = JSON.parse(quoted) as string;
    const path = `/client/RequestOpenTrades/${mainLogin}`;
    expect((await get(simulator, path, quoted)).status).toBe(200);
    expect((await get(simulator, path, bare)).status).toBe(200);
    // Header names are case-insensitive.
    const upperCaseHeader = await fetch(`${simulator.baseUrl}${path}`, { headers: { PassKey: bare } });
    expect(upperCaseHeader.status).toBe(200);

    for (const passkey of [undefined, '', '"0123456789abcdef0123456789abcdef"', `${bare}x`]) {
      const response = await get(simulator, path, passkey);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.json()).toEqual(denial);
    }
  });

  it('answers bad credentials with 401, or 200 null under the switch', async () => {
    const simulator = await start();
    const attempts: unknown[] = [
      { Login: 2100123, Password: 'wrong' },
      { Login: 9999999, Password: instaforexSimulatorAccount.password },
      { Login: 'abc', Password: instaforexSimulatorAccount.password },
      { Password: instaforexSimulatorAccount.password },
      'not json',
    ];
    for (const body of attempts) {
      const response = await requestToken(simulator, body);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(denial);
    }

    const nullSwitch = await start({ badCredentials: 'null' });
    const response = await requestToken(nullSwitch, { Login: 2100123, Password: 'wrong' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('null');
    expect(nullSwitch.state.tokens.issued()).toHaveLength(0);

    // The switch also flips at run time.
    simulator.state.switches.badCredentials = 'null';
    expect(await (await requestToken(simulator, { Login: 2100123, Password: 'wrong' })).text()).toBe('null');
  });

  it('expires tokens after the configured lifetime (controlled clock)', async () => {
    let clock = Date.parse('2024-05-03T09:00:00Z');
    const simulator = await start({ tokenLifetimeSeconds: 5, now: () => new Date(clock) });
    const token = await rawToken(simulator);
    const path = `/client/RequestBalanceInformation/${mainLogin}`;
    clock += 4_999;
    expect((await get(simulator, path, token)).status).toBe(200);
    clock += 1;
    const expired = await get(simulator, path, token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual(denial);
    // A new login works again.
    expect((await get(simulator, path, await rawToken(simulator))).status).toBe(200);
  });

  it('expires tokens after a short lifetime on the real clock', async () => {
    const simulator = await start({ tokenLifetimeSeconds: 0.2 });
    const token = await rawToken(simulator);
    const path = `/client/RequestOpenTrades/${mainLogin}`;
    expect((await get(simulator, path, token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await get(simulator, path, token)).status).toBe(401);
  });

  it('rejects a token for another login, of another kind, or a login that is not a number', async () => {
    const simulator = await start();
    const token = await rawToken(simulator);
    const other = instaforexSimulatorSecondAccount.login;
    const wrongLogin = await get(simulator, `/client/RequestOpenTrades/${other}`, token);
    expect(wrongLogin.status).toBe(401);
    expect(await wrongLogin.json()).toEqual(denial);
    expect((await get(simulator, '/client/RequestOpenTrades/abc', token)).status).toBe(400);

    // The second account's token reads its own (empty) open trades and nothing else.
    const secondToken = await rawToken(simulator, instaforexSimulatorSecondAccount);
    const own = await get(simulator, `/client/RequestOpenTrades/${other}`, secondToken);
    expect(own.status).toBe(200);
    expect(await own.text()).toBe('[]');
    expect((await get(simulator, `/client/RequestBalanceInformation/${mainLogin}`, secondToken)).status).toBe(401);

    // A partner token is the wrong kind for client/*; partner credentials get no client token.
    const partnerToken = await rawToken(simulator, instaforexSimulatorPartner, 'RequestPartnerApiToken');
    expect((await get(simulator, `/client/RequestOpenTrades/${mainLogin}`, partnerToken)).status).toBe(401);
    const partnerAsClient = await requestToken(simulator, { Login: instaforexSimulatorPartner.login, Password: instaforexSimulatorPartner.password });
    expect(partnerAsClient.status).toBe(401);

    const forbidding = await start({ otherLoginStatus: 403 });
    expect((await get(forbidding, `/client/RequestOpenTrades/${other}`, await rawToken(forbidding))).status).toBe(403);
  });
});

describe('InstaForex simulator: routes', () => {
  it('matches paths case-insensitively, including the token method', async () => {
    const simulator = await start();
    const response = await fetch(`${simulator.baseUrl}/API/authentication/requestclientapitoken`, {
      method: 'POST',
      body: JSON.stringify({ LOGIN: 2100123, PASSWORD: instaforexSimulatorAccount.password }),
    });
    expect(response.status).toBe(200);
    const token = await response.text();
    const balance = await get(simulator, `/CLIENT/requestbalanceinformation/${mainLogin}`, token);
    expect(balance.status).toBe(200);
    expect(((await exactJson(balance)) as Exact)['Currency']).toBe('USD');
    expect(simulator.server.requestCount(instaforexRouteNames.balance)).toBe(1);
    expect(simulator.server.requestCount(instaforexRouteNames.clientToken)).toBe(1);
  });

  it('serves the closed-trades method on a configured path and query names; the default path then 404s', async () => {
    const simulator = await start({ paths: { closedTrades: 'client/GetTradesHistory/{login}' }, closedTradesQuery: { from: 'dateFrom', to: 'dateTo' } });
    const token = await rawToken(simulator);
    const from = Date.parse('2024-04-01T00:00:00Z') / 1000;
    const custom = await get(simulator, `/client/GetTradesHistory/${mainLogin}?dateFrom=${from}`, token);
    expect(custom.status).toBe(200);
    const rows = (await exactJson(custom)) as Exact[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => number(row['CloseTime']) >= from)).toBe(true);
    expect(simulator.server.requestCount(instaforexRouteNames.closedTrades)).toBe(1);

    const defaultPath = await get(simulator, `/client/RequestClosedTrades/${mainLogin}`, token);
    expect(defaultPath.status).toBe(404);
    expect(await defaultPath.json()).toEqual({
      Message: `No HTTP resource was found that matches the request URI '${simulator.baseUrl}/client/RequestClosedTrades/${mainLogin}'.`,
    });
    // The other methods keep their default paths.
    expect((await get(simulator, `/client/RequestOpenTrades/${mainLogin}`, token)).status).toBe(200);
    expect(() => createInstaforexSimulator({ paths: { balance: 'client/RequestBalanceInformation' } })).toThrow(/\{login\}/);
  });

  it('answers unknown routes with 404 and wrong verbs with 405, in ASP.NET bodies', async () => {
    const simulator = await start();
    const token = await rawToken(simulator);
    const unknown = await get(simulator, '/client/RequestBonusInformation/2100123?x=1', token);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await unknown.json()).toEqual({
      Message: `No HTTP resource was found that matches the request URI '${simulator.baseUrl}/client/RequestBonusInformation/2100123?x=1'.`,
    });

    const post = await get(simulator, `/client/RequestOpenTrades/${mainLogin}`, token, 'POST');
    expect(post.status).toBe(405);
    expect(await post.json()).toEqual({ Message: "The requested resource does not support http method 'POST'." });
    const getToken = await get(simulator, '/api/Authentication/RequestClientApiToken');
    expect(getToken.status).toBe(405);
    expect(await getToken.json()).toEqual({ Message: "The requested resource does not support http method 'GET'." });
    // No trading exists: an order path is simply unknown.
    expect((await get(simulator, '/client/OpenOrder/2100123', token, 'POST')).status).toBe(404);
    // Any depth and any verb: the 404 quotes the URI as sent, the 405 names the verb.
    const deepPath = `/${Array.from({ length: 12 }, (_, index) => `part${index}`).join('/')}`;
    expect(await (await get(simulator, deepPath, token)).json()).toEqual({
      Message: `No HTTP resource was found that matches the request URI '${simulator.baseUrl}${deepPath}'.`,
    });
    const patch = await get(simulator, `/client/RequestOpenTrades/${mainLogin}`, token, 'PATCH');
    expect(patch.status).toBe(405);
    expect(await patch.json()).toEqual({ Message: "The requested resource does not support http method 'PATCH'." });
    expect(simulator.server.requestCount(instaforexRouteNames.unmatched)).toBe(6);
  });

  it('applies injected faults with InstaForex error bodies', async () => {
    const simulator = await start();
    const token = await rawToken(simulator);
    const path = `/client/RequestBalanceInformation/${mainLogin}`;

    simulator.server.injectFault({ route: instaforexRouteNames.balance, fault: { kind: 'status', status: 500 }, times: 1 });
    const failed = await get(simulator, path, token);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ Message: 'An error has occurred.' });
    expect((await get(simulator, path, token)).status).toBe(200);

    simulator.server.injectFault({ route: instaforexRouteNames.openTrades, fault: { kind: 'status', status: 503 }, times: 1 });
    const unavailable = await get(simulator, `/client/RequestOpenTrades/${mainLogin}`, token);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('content-type')).toContain('text/html');
    expect(await unavailable.text()).toContain('HTTP Error 503. The service is unavailable.');

    simulator.server.injectFault({ route: instaforexRouteNames.clientToken, fault: { kind: 'drop' }, times: 1 });
    await expect(requestToken(simulator, { Login: 2100123, Password: instaforexSimulatorAccount.password })).rejects.toThrow();
    expect(simulator.server.requestCount(instaforexRouteNames.balance)).toBe(2);
    expect(simulator.server.requestCount(instaforexRouteNames.clientToken)).toBe(2);
  });
});

describe('InstaForex simulator: account data', () => {
  async function read(simulator: InstaforexSimulator, path: string) {
    const response = await get(simulator, path, await rawToken(simulator));
    expect(response.status).toBe(200);
    return response;
  }

  it('keeps balance, equity and margin consistent with the history and the open trades', async () => {
    const simulator = await start();
    const balanceText = await (await read(simulator, `/client/RequestBalanceInformation/${mainLogin}`)).text();
    // Json.NET prints whole doubles with a decimal point.
    expect(balanceText).toContain('"Credit":300.0');
    const balance = parse(balanceText) as Exact;
    expect(Object.keys(balance)).toEqual(['Login', 'Balance', 'Credit', 'Equity', 'Margin', 'FreeMargin', 'MarginLevel', 'Profit', 'Currency', 'Leverage']);
    expect(number(balance['Login'])).toBe(2100123);
    expect(number(balance['Leverage'])).toBe(500);

    const open = (await exactJson(await read(simulator, `/client/RequestOpenTrades/${mainLogin}`))) as Exact[];
    const history = (await exactJson(await read(simulator, `/client/RequestClosedTrades/${mainLogin}`))) as Exact[];
    const market = open.filter((trade) => number(trade['Cmd']) <= 1);
    const floating = market.reduce((sum, trade) => sum.plus(big(trade['Profit'])).plus(big(trade['Swap'])).plus(big(trade['Commission'])), new Big(0));
    const settled = history
      .filter((row) => number(row['Cmd']) !== 7)
      .reduce((sum, row) => sum.plus(big(row['Profit'])).plus(big(row['Swap'])).plus(big(row['Commission'])), new Big(0));
    const credit = history.filter((row) => number(row['Cmd']) === 7).reduce((sum, row) => sum.plus(big(row['Profit'])), new Big(0));

    expect(big(balance['Profit']).eq(floating)).toBe(true);
    expect(big(balance['Balance']).eq(settled)).toBe(true);
    expect(big(balance['Credit']).eq(credit)).toBe(true);
    expect(big(balance['Equity']).eq(big(balance['Balance']).plus(credit).plus(floating))).toBe(true);
    expect(big(balance['FreeMargin']).eq(big(balance['Equity']).minus(big(balance['Margin'])))).toBe(true);
    expect(big(balance['MarginLevel']).eq(big(balance['Equity']).div(big(balance['Margin'])).times(100).round(2, Big.roundHalfUp))).toBe(true);
    expect(balance).toMatchObject({ Currency: 'USD' });
    expect(balanceText).toContain('"Balance":1326.41,');
  });

  it('lists market positions at the current quote and pending orders without a close', async () => {
    const simulator = await start();
    const text = await (await read(simulator, `/client/RequestOpenTrades/${mainLogin}`)).text();
    const trades = parse(text) as Exact[];
    expect(trades.map((trade) => number(trade['Cmd'])).sort()).toEqual([0, 0, 1, 3, 4]);
    expect(new Set(trades.map((trade) => trade['Symbol']))).toEqual(new Set(['EURUSD', 'GBPUSD', 'USDJPY', 'XAUUSD']));
    expect(trades.every((trade) => !('CloseTime' in trade))).toBe(true);
    expect(Object.keys(trades[0]!)).toEqual(['Ticket', 'Login', 'Symbol', 'Cmd', 'Volume', 'OpenTime', 'OpenPrice', 'Sl', 'Tp', 'ClosePrice', 'Commission', 'Swap', 'Profit', 'Comment']);

    const eurusd = trades.find((trade) => trade['Symbol'] === 'EURUSD')!;
    expect(number(eurusd['OpenTime'])).toBe(1714644900);
    expect(eurusd['ClosePrice']?.toString()).toBe('1.07041'); // a buy is valued at bid
    expect(eurusd['Profit']?.toString()).toBe('-8.2');
    const gbpusdSell = trades.find((trade) => trade['Symbol'] === 'GBPUSD' && number(trade['Cmd']) === 1)!;
    expect(gbpusdSell['ClosePrice']?.toString()).toBe('1.25306'); // a sell at ask
    // USDJPY profit is in yen, converted at the closing rate: (153.071 − 157.512) × 2000 / 153.071.
    const usdjpy = trades.find((trade) => trade['Symbol'] === 'USDJPY')!;
    expect(usdjpy['Profit']?.toString()).toBe('-58.03');
    const pending = trades.filter((trade) => number(trade['Cmd']) >= 2);
    expect(pending.every((trade) => trade['ClosePrice']?.toString() === '0.0' && trade['Profit']?.toString() === '0.0')).toBe(true);

    simulator.state.setQuote('EURUSD', '1.07541', '1.07549');
    const moved = (await exactJson(await read(simulator, `/client/RequestOpenTrades/${mainLogin}`))) as Exact[];
    expect(moved.find((trade) => trade['Symbol'] === 'EURUSD')!['Profit']?.toString()).toBe('41.8');
  });

  it('returns closed trades with balance (Cmd 6) and credit (Cmd 7) rows, filtered by from/to', async () => {
    const simulator = await start();
    const token = await rawToken(simulator);
    const all = (await exactJson(await get(simulator, `/client/RequestClosedTrades/${mainLogin}`, token))) as Exact[];
    expect(all.length).toBeGreaterThanOrEqual(36);
    const closeTimes = all.map((row) => number(row['CloseTime']));
    expect(closeTimes).toEqual([...closeTimes].sort((left, right) => left - right));

    const balanceRows = all.filter((row) => number(row['Cmd']) === 6);
    expect(balanceRows.map((row) => [row['Comment'], row['Profit']?.toString()])).toEqual([
      ['Deposit', '1000.0'],
      ['Deposit', '500.0'],
      ['Withdrawal', '-250.0'],
    ]);
    expect(balanceRows.every((row) => row['Symbol'] === '' && row['OpenTime']?.toString() === row['CloseTime']?.toString())).toBe(true);
    expect(all.filter((row) => number(row['Cmd']) === 7).map((row) => row['Profit']?.toString())).toEqual(['300.0']);
    // A USDJPY sell, realised in yen and converted at the close: (146.008 − 145.901) × 10000 / 145.901.
    expect(all.find((row) => number(row['Ticket']) === 47220936)!['Profit']?.toString()).toBe('7.33');

    const from = Date.parse('2024-02-01T00:00:00Z') / 1000;
    const to = Date.parse('2024-03-01T00:00:00Z') / 1000;
    const path = `/client/RequestClosedTrades/${mainLogin}`;
    const byUnix = (await exactJson(await get(simulator, `${path}?from=${from}&to=${to}`, token))) as Exact[];
    expect(byUnix.length).toBeGreaterThan(5);
    expect(byUnix.length).toBeLessThan(all.length);
    expect(byUnix.every((row) => number(row['CloseTime']) >= from && number(row['CloseTime']) <= to)).toBe(true);
    expect(byUnix.some((row) => number(row['Cmd']) === 6)).toBe(true); // the February deposit

    const isoText = await (await get(simulator, `${path}?from=2024-02-01T00:00:00&to=2024-03-01`, token)).text();
    expect(parse(isoText)).toEqual(byUnix);
    const withOffset = (await exactJson(await get(simulator, `${path}?FROM=2024-02-01T03:00:00%2B03:00&To=2024-03-01T00:00:00Z`, token))) as Exact[];
    expect(withOffset).toEqual(byUnix);

    const invalid = await get(simulator, `${path}?from=yesterday`, token);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ Message: 'The request is invalid.' });
  });

  it('writes trade times as Json.NET ISO under the timestamp switch', async () => {
    const simulator = await start({ timestampFormat: 'iso' });
    const open = (await exactJson(await read(simulator, `/client/RequestOpenTrades/${mainLogin}`))) as Exact[];
    expect(open.find((trade) => number(trade['Ticket']) === 48213377)!['OpenTime']).toBe('2024-05-02T10:15:00');
    const closed = (await exactJson(await read(simulator, `/client/RequestClosedTrades/${mainLogin}?to=2024-01-10`))) as Exact[];
    expect(closed.map((row) => [row['OpenTime'], row['CloseTime']])).toEqual([
      ['2024-01-05T09:12:44', '2024-01-05T09:12:44'],
      ['2024-01-05T09:12:45', '2024-01-05T09:12:45'],
      ['2024-01-08T08:00:00', '2024-01-09T15:37:13'],
    ]);
    simulator.state.switches.timestampFormat = 'unix';
    const unix = (await exactJson(await read(simulator, `/client/RequestOpenTrades/${mainLogin}`))) as Exact[];
    expect(number(unix.find((trade) => number(trade['Ticket']) === 48213377)!['OpenTime'])).toBe(1714644900);
  });

  it('sends float32-widened prices for some records under the switch', async () => {
    const plain = await start();
    const plainText = await (await read(plain, `/client/RequestOpenTrades/${mainLogin}`)).text();
    expect(plainText).toContain('"OpenPrice":1.2541,"Sl":1.26,"Tp":1.245');

    const widened = await start({ float32Prices: true });
    const text = await (await read(widened, `/client/RequestOpenTrades/${mainLogin}`)).text();
    expect(text).toContain('"OpenPrice":1.25409996509552,"Sl":1.2599999904632568,"Tp":1.2450000047683716');
    // Other records stay as stored.
    expect(text).toContain('"OpenPrice":1.07123,');
    const history = await (await read(widened, `/client/RequestClosedTrades/${mainLogin}`)).text();
    expect(history).toContain('"OpenPrice":1.0947999954223633');
    expect(history).toContain('"OpenPrice":1.27096,');
  });

  it('closes positions and records deposits through the state', async () => {
    let clock = Date.parse('2024-05-03T12:00:00Z');
    const simulator = await start({ now: () => new Date(clock) });
    const before = simulator.state.balanceInformation(2100123)!;
    const closed = simulator.state.closeTrade(48213377)!;
    expect(closed).toMatchObject({ closePrice: '1.07041', profit: '-8.2', closeTime: clock / 1000 });
    clock += 60_000;
    simulator.state.addBalanceOperation(2100123, '-100');
    const after = simulator.state.balanceInformation(2100123)!;
    expect(new Big(after.balance).eq(new Big(before.balance).minus('8.2').minus('0.42').minus(100))).toBe(true);
    const rows = (await exactJson(await read(simulator, `/client/RequestClosedTrades/${mainLogin}?from=${clock / 1000 - 120}`))) as Exact[];
    expect(rows.map((row) => [number(row['Ticket']), number(row['Cmd']), row['Comment']])).toEqual([
      [48213377, 0, ''],
      [48213611, 6, 'Withdrawal'],
    ]);
  });
});

describe('InstaForex simulator: partner and mobile-cabinet methods', () => {
  it('checks referrals with a partner token', async () => {
    const simulator = await start();
    const token = await rawToken(simulator, instaforexSimulatorPartner, 'RequestPartnerApiToken');
    const partner = instaforexSimulatorPartner.login;
    const yes = await get(simulator, `/partner/CheckReferral/${partner}/${mainLogin}`, token);
    expect(yes.status).toBe(200);
    expect(await yes.text()).toBe('true');
    expect(await (await get(simulator, `/partner/checkreferral/${partner}/${instaforexSimulatorSecondAccount.login}`, token)).text()).toBe('false');
    expect((await get(simulator, `/partner/CheckReferral/554192/${mainLogin}`, token)).status).toBe(401);
    const clientToken = await rawToken(simulator);
    expect((await get(simulator, `/partner/CheckReferral/${partner}/${mainLogin}`, clientToken)).status).toBe(401);
  });

  it('filters analytic signals by pairs, period and trading system', async () => {
    const simulator = await start({ float32Prices: true });
    const token = await rawToken(simulator, instaforexSimulatorAccount, 'RequestMoblieCabinetApiToken');
    const base = `/clientmobile/GetAnalyticSignals/${mainLogin}`;
    const from = Date.parse('2024-04-30T00:00:00Z') / 1000;
    const to = Date.parse('2024-05-02T23:59:59Z') / 1000;
    const signals = (await exactJson(await get(simulator, `${base}?tradingsystem=3&pairs=EURUSD,GBPUSD&from=${from}&to=${to}`, token))) as Exact[];
    expect(signals.map((signal) => number(signal['Id']))).toEqual([51277, 51270, 51256]);
    expect(signals.every((signal) => number(signal['TradingSystem']) === 3)).toBe(true);
    expect(Object.keys(signals[0]!)).toEqual(['Id', 'ActualTime', 'Comment', 'Pair', 'Cmd', 'TradingSystem', 'Period', 'Price', 'Sl', 'Tp']);

    const captured = await (await get(simulator, `${base}?pairs=gbpusd&from=1479000000&to=1480000000`, token)).text();
    expect(captured).toBe(
      '[{"Id":3805,"ActualTime":1479915393,"Comment":"H1, Trend channel","Pair":"GBPUSD","Cmd":4,"TradingSystem":3,"Period":"","Price":1.2387299537658691,"Sl":1.2213599681854248,"Tp":1.256100058555603}]',
    );
    expect(await (await get(simulator, `${base}?pairs=EURUSD`, token)).text()).toBe('[]');
    expect((await get(simulator, `${base}?pairs=EURUSD&from=0&to=1`, await rawToken(simulator))).status).toBe(401);
  });
});
