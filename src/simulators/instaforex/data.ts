/**
 * The InstaForex simulator's seeded world: an MT4 USD account (leverage 1:500) with four
 * months of history, three open positions and two pending orders; a small second account
 * with no open trades; a partner (IB) with referrals; and analytic signals. Prices, volumes and
 * amounts are decimal strings; times are UTC ISO strings turned into unix seconds by the state.
 * Profits are not stored: the state computes them from prices, so balance, equity and the
 * history always agree.
 */

export interface SimulatedInstrument {
  symbol: string;
  digits: number;
  /** Units per lot: 100000 for currency pairs, 100 troy ounces for gold. */
  contractSize: string;
  baseCurrency: string;
  quoteCurrency: string;
  /** The current quote; open positions are valued at bid (buys) or ask (sells). */
  bid: string;
  ask: string;
}

export const instruments: SimulatedInstrument[] = [
  { symbol: 'EURUSD', digits: 5, contractSize: '100000', baseCurrency: 'EUR', quoteCurrency: 'USD', bid: '1.07041', ask: '1.07049' },
  { symbol: 'GBPUSD', digits: 5, contractSize: '100000', baseCurrency: 'GBP', quoteCurrency: 'USD', bid: '1.25298', ask: '1.25306' },
  { symbol: 'USDJPY', digits: 3, contractSize: '100000', baseCurrency: 'USD', quoteCurrency: 'JPY', bid: '153.071', ask: '153.089' },
  { symbol: 'XAUUSD', digits: 2, contractSize: '100', baseCurrency: 'XAU', quoteCurrency: 'USD', bid: '2302.45', ask: '2302.80' },
];

export interface SimulatedAccount {
  login: number;
  /** The API password set in the Client Cabinet (not the MT4 trading password). */
  password: string;
  currency: string;
  leverage: number;
}

export const instaforexSimulatorAccount = { login: '2100123', password: 'api-Pass-2100123' } as const;
/** A second, small account: no open trades (its open-trades answer is `[]`). */
export const instaforexSimulatorSecondAccount = { login: '2100456', password: 'api-Pass-2100456' } as const;
/** A partner (IB) login for partner/* and the mobile-cabinet token. */
export const instaforexSimulatorPartner = { login: '554191', password: 'partner-Pass-554191' } as const;

export const accounts: SimulatedAccount[] = [
  { login: Number(instaforexSimulatorAccount.login), password: instaforexSimulatorAccount.password, currency: 'USD', leverage: 500 },
  { login: Number(instaforexSimulatorSecondAccount.login), password: instaforexSimulatorSecondAccount.password, currency: 'USD', leverage: 100 },
];

export interface SimulatedPartner {
  login: number;
  password: string;
  /** Client logins registered under this partner (partner/CheckReferral). */
  referrals: number[];
}

export const partners: SimulatedPartner[] = [
  { login: Number(instaforexSimulatorPartner.login), password: instaforexSimulatorPartner.password, referrals: [2100123, 2099001] },
];

/** MT4 trade commands. */
export const Cmd = { buy: 0, sell: 1, buyLimit: 2, sellLimit: 3, buyStop: 4, sellStop: 5, balance: 6, credit: 7 } as const;

export interface SeedTrade {
  ticket: number;
  login: number;
  symbol: string;
  /** 0–1 market positions, 2–5 pending orders. */
  cmd: number;
  /** Lots. */
  volume: string;
  openTime: string;
  openPrice: string;
  /** '0' when not set, as MT4 stores it. */
  sl: string;
  tp: string;
  commission: string;
  swap: string;
  comment: string;
  /** Present on closed trades only. */
  closeTime?: string;
  closePrice?: string;
  /**
   * Records whose prices the real server sends float32-widened (1.2387299537658691) when the
   * `float32Prices` switch is on: some rows are evidently stored as single-precision floats.
   */
  float32?: boolean;
}

/** Balance (Cmd 6: deposit +, withdrawal −) and credit (Cmd 7: bonus) rows of the MT4 history. */
export interface SeedBalanceRow {
  ticket: number;
  login: number;
  cmd: 6 | 7;
  time: string;
  amount: string;
  comment: string;
}

const main = 2100123;
const second = 2100456;

export const seedOpenTrades: SeedTrade[] = [
  { ticket: 48198765, login: main, symbol: 'USDJPY', cmd: Cmd.buy, volume: '0.02', openTime: '2024-04-30T14:05:00Z', openPrice: '157.512', sl: '0', tp: '159.000', commission: '0', swap: '0.30', comment: '' },
  { ticket: 48213377, login: main, symbol: 'EURUSD', cmd: Cmd.buy, volume: '0.10', openTime: '2024-05-02T10:15:00Z', openPrice: '1.07123', sl: '1.06500', tp: '1.08000', commission: '0', swap: '-0.42', comment: '' },
  { ticket: 48213420, login: main, symbol: 'GBPUSD', cmd: Cmd.sell, volume: '0.05', openTime: '2024-05-02T11:02:37Z', openPrice: '1.25410', sl: '1.26000', tp: '1.24500', commission: '0', swap: '0', comment: '', float32: true },
  { ticket: 48213502, login: main, symbol: 'GBPUSD', cmd: Cmd.sellLimit, volume: '0.05', openTime: '2024-05-02T12:15:00Z', openPrice: '1.25800', sl: '1.26300', tp: '1.25000', commission: '0', swap: '0', comment: '' },
  { ticket: 48213610, login: main, symbol: 'XAUUSD', cmd: Cmd.buyStop, volume: '0.01', openTime: '2024-05-02T13:40:12Z', openPrice: '2325.50', sl: '2305.00', tp: '2360.00', commission: '0', swap: '0', comment: 'breakout' },
];

function closed(
  ticket: number,
  symbol: string,
  cmd: number,
  volume: string,
  openTime: string,
  openPrice: string,
  closeTime: string,
  closePrice: string,
  extra: { sl: string; tp: string; swap: string; float32?: boolean; comment?: string; login?: number },
): SeedTrade {
  const { login = main, comment = '', ...rest } = extra;
  return { ticket, login, symbol, cmd, volume, openTime, openPrice, closeTime, closePrice, commission: '0', comment, ...rest };
}

export const seedClosedTrades: SeedTrade[] = [
  closed(47120415, 'GBPUSD', 1, '0.20', '2024-01-08T08:00:00Z', '1.27096', '2024-01-09T15:37:13Z', '1.27115', { sl: '1.27496', tp: '0', swap: '-1.45' }),
  closed(47139432, 'EURUSD', 0, '0.05', '2024-01-12T08:13:20Z', '1.09480', '2024-01-15T03:28:47Z', '1.09649', { sl: '0', tp: '0', swap: '0', float32: true }),
  closed(47157146, 'USDJPY', 0, '0.03', '2024-01-17T11:00:13Z', '146.307', '2024-01-18T12:36:07Z', '146.203', { sl: '0', tp: '146.907', swap: '-0.19' }),
  closed(47161649, 'XAUUSD', 0, '0.02', '2024-01-19T21:19:30Z', '2036.01', '2024-01-22T09:00:12Z', '2038.39', { sl: '0', tp: '0', swap: '0' }),
  closed(47191798, 'EURUSD', 1, '0.20', '2024-01-23T03:51:50Z', '1.09284', '2024-01-24T04:15:18Z', '1.09469', { sl: '0', tp: '0', swap: '-0.93' }),
  closed(47207176, 'USDJPY', 0, '0.03', '2024-01-24T21:28:39Z', '146.423', '2024-01-25T18:21:50Z', '146.270', { sl: '0', tp: '0', swap: '0', float32: true }),
  closed(47220936, 'USDJPY', 1, '0.10', '2024-01-29T01:03:54Z', '146.008', '2024-01-29T06:47:45Z', '145.901', { sl: '146.408', tp: '145.408', swap: '0' }),
  closed(47249557, 'XAUUSD', 0, '0.01', '2024-01-31T04:40:18Z', '2020.37', '2024-01-31T23:35:27Z', '2018.80', { sl: '2016.37', tp: '0', swap: '0' }),
  closed(47268249, 'XAUUSD', 1, '0.02', '2024-02-01T16:29:35Z', '2020.27', '2024-02-05T02:06:34Z', '2018.76', { sl: '2024.27', tp: '2014.27', swap: '-0.14' }),
  closed(47306339, 'XAUUSD', 1, '0.02', '2024-02-06T20:22:52Z', '2019.84', '2024-02-07T04:22:24Z', '2017.92', { sl: '0', tp: '2013.84', swap: '0', float32: true }),
  closed(47309436, 'EURUSD', 1, '0.20', '2024-02-08T00:44:44Z', '1.07583', '2024-02-09T01:22:18Z', '1.07630', { sl: '1.07983', tp: '0', swap: '-1.18' }),
  closed(47316324, 'GBPUSD', 0, '0.05', '2024-02-12T17:55:43Z', '1.26085', '2024-02-13T14:18:16Z', '1.26018', { sl: '0', tp: '0', swap: '0' }),
  closed(47335129, 'EURUSD', 1, '0.20', '2024-02-14T16:53:03Z', '1.07680', '2024-02-16T07:06:05Z', '1.07873', { sl: '1.08080', tp: '1.07080', swap: '-0.79' }),
  closed(47348839, 'EURUSD', 1, '0.05', '2024-02-16T10:50:40Z', '1.07820', '2024-02-19T07:00:24Z', '1.07612', { sl: '1.08220', tp: '0', swap: '0', float32: true }),
  closed(47366854, 'EURUSD', 0, '0.10', '2024-02-20T05:08:31Z', '1.07505', '2024-02-20T08:07:55Z', '1.07777', { sl: '1.07105', tp: '1.08105', swap: '0' }),
  closed(47409494, 'USDJPY', 1, '0.03', '2024-02-21T16:07:23Z', '149.994', '2024-02-22T08:38:26Z', '149.812', { sl: '0', tp: '149.394', swap: '0' }),
  closed(47430344, 'EURUSD', 1, '0.10', '2024-02-26T08:58:41Z', '1.07596', '2024-02-26T20:40:09Z', '1.07504', { sl: '0', tp: '0', swap: '0' }),
  closed(47442897, 'USDJPY', 0, '0.20', '2024-02-29T10:30:23Z', '150.047', '2024-02-29T18:59:29Z', '150.057', { sl: '0', tp: '150.647', swap: '0', float32: true }),
  closed(47447245, 'XAUUSD', 0, '0.01', '2024-03-04T13:38:54Z', '2167.22', '2024-03-06T06:16:19Z', '2169.77', { sl: '2163.22', tp: '0', swap: '-0.06' }),
  closed(47475318, 'EURUSD', 0, '0.10', '2024-03-07T10:23:20Z', '1.08753', '2024-03-08T21:14:52Z', '1.08862', { sl: '0', tp: '1.09353', swap: '-0.50' }),
  closed(47506418, 'EURUSD', 0, '0.10', '2024-03-11T01:25:21Z', '1.08440', '2024-03-11T14:47:00Z', '1.08355', { sl: '1.08040', tp: '1.09040', swap: '0' }),
  closed(47510326, 'GBPUSD', 0, '0.03', '2024-03-13T19:32:41Z', '1.26748', '2024-03-15T08:51:34Z', '1.26819', { sl: '0', tp: '0', swap: '-0.10', float32: true }),
  closed(47514824, 'EURUSD', 1, '0.20', '2024-03-15T14:29:51Z', '1.08471', '2024-03-18T05:15:50Z', '1.08254', { sl: '0', tp: '0', swap: '-0.82' }),
  closed(47546899, 'XAUUSD', 1, '0.02', '2024-03-20T23:57:11Z', '2169.87', '2024-03-21T17:35:56Z', '2170.75', { sl: '0', tp: '0', swap: '0' }),
  closed(47573262, 'XAUUSD', 1, '0.01', '2024-03-22T08:24:05Z', '2167.28', '2024-03-22T10:27:37Z', '2166.11', { sl: '2171.28', tp: '2161.28', swap: '0' }),
  closed(47579936, 'EURUSD', 0, '0.20', '2024-03-25T09:59:45Z', '1.08815', '2024-03-26T22:53:03Z', '1.08619', { sl: '1.08415', tp: '1.09415', swap: '-1.31', float32: true }),
  closed(47600280, 'EURUSD', 1, '0.05', '2024-03-27T22:28:14Z', '1.08889', '2024-03-29T07:34:21Z', '1.08727', { sl: '1.09289', tp: '1.08289', swap: '-0.34' }),
  closed(47632847, 'GBPUSD', 1, '0.03', '2024-04-01T23:57:09Z', '1.25287', '2024-04-03T09:17:21Z', '1.25290', { sl: '0', tp: '0', swap: '-0.13' }),
  closed(47647667, 'USDJPY', 1, '0.03', '2024-04-05T10:55:02Z', '153.261', '2024-04-08T03:16:07Z', '153.425', { sl: '0', tp: '0', swap: '0' }),
  closed(47686486, 'EURUSD', 0, '0.20', '2024-04-09T19:56:50Z', '1.07474', '2024-04-11T08:08:31Z', '1.07650', { sl: '0', tp: '0', swap: '-0.75', float32: true }),
  closed(47723695, 'EURUSD', 0, '0.03', '2024-04-11T09:16:25Z', '1.06931', '2024-04-12T07:35:47Z', '1.07531', { sl: '0', tp: '1.07531', swap: '0', comment: '[tp]' }),
  closed(47754174, 'EURUSD', 0, '0.10', '2024-04-15T09:16:02Z', '1.07011', '2024-04-16T21:24:23Z', '1.07147', { sl: '0', tp: '0', swap: '-0.43' }),
  closed(47759860, 'GBPUSD', 0, '0.03', '2024-04-18T19:28:00Z', '1.24855', '2024-04-22T07:04:51Z', '1.24918', { sl: '0', tp: '0', swap: '-0.14' }),
  closed(47801883, 'EURUSD', 1, '0.10', '2024-04-22T21:53:28Z', '1.07467', '2024-04-24T01:12:05Z', '1.07524', { sl: '1.07867', tp: '0', swap: '-0.39', float32: true }),
  closed(47827303, 'GBPUSD', 1, '0.10', '2024-04-24T01:50:22Z', '1.25080', '2024-04-25T05:27:05Z', '1.24907', { sl: '0', tp: '0', swap: '-0.50' }),
  closed(47843968, 'GBPUSD', 0, '0.20', '2024-04-29T06:46:27Z', '1.25095', '2024-04-29T14:12:22Z', '1.25148', { sl: '1.24695', tp: '0', swap: '0' }),
  closed(47508812, 'EURUSD', 0, '0.05', '2024-03-11T08:30:00Z', '1.09305', '2024-03-12T13:45:10Z', '1.09198', { sl: '0', tp: '0', swap: '-0.21', login: second }),
  closed(47766021, 'XAUUSD', 0, '0.01', '2024-04-19T06:12:45Z', '2379.40', '2024-04-19T15:02:31Z', '2391.15', { sl: '0', tp: '0', swap: '0', login: second }),
];

export const seedBalanceRows: SeedBalanceRow[] = [
  { ticket: 47101230, login: main, cmd: 6, time: '2024-01-05T09:12:44Z', amount: '1000.00', comment: 'Deposit' },
  { ticket: 47101231, login: main, cmd: 7, time: '2024-01-05T09:12:45Z', amount: '300.00', comment: 'Bonus 30%' },
  { ticket: 47298110, login: main, cmd: 6, time: '2024-02-05T11:40:02Z', amount: '500.00', comment: 'Deposit' },
  { ticket: 47690455, login: main, cmd: 6, time: '2024-04-10T16:21:09Z', amount: '-250.00', comment: 'Withdrawal' },
  { ticket: 47507730, login: second, cmd: 6, time: '2024-03-08T14:02:19Z', amount: '500.00', comment: 'Deposit' },
];

/** clientmobile/GetAnalyticSignals rows; prices as decimal strings, ActualTime in UTC. */
export interface SeedSignal {
  id: number;
  actualTime: string;
  comment: string;
  pair: string;
  cmd: number;
  tradingSystem: number;
  period: string;
  price: string;
  sl: string;
  tp: string;
  float32?: boolean;
}

export const seedSignals: SeedSignal[] = [
  // The two rows captured from the real API (protocol notes §4.5); 3805 arrives float32-widened.
  { id: 3805, actualTime: '2016-11-23T15:36:33Z', comment: 'H1, Trend channel', pair: 'GBPUSD', cmd: 4, tradingSystem: 3, period: '', price: '1.23873', sl: '1.22136', tp: '1.2561', float32: true },
  { id: 16760, actualTime: '2018-03-05T02:43:27Z', comment: 'Trend channel', pair: 'AUDUSD', cmd: 5, tradingSystem: 3, period: 'H1', price: '0.77648', sl: '0.77846', tp: '0.7745' },
  { id: 51202, actualTime: '2024-04-29T07:00:00Z', comment: 'Trend channel', pair: 'EURUSD', cmd: 2, tradingSystem: 3, period: 'H1', price: '1.06950', sl: '1.06700', tp: '1.07400' },
  { id: 51215, actualTime: '2024-04-29T11:00:00Z', comment: 'Flag', pair: 'GBPUSD', cmd: 4, tradingSystem: 3, period: 'H4', price: '1.25650', sl: '1.25200', tp: '1.26300' },
  { id: 51231, actualTime: '2024-04-30T08:00:00Z', comment: 'Resistance level', pair: 'USDJPY', cmd: 3, tradingSystem: 3, period: 'H1', price: '157.800', sl: '158.400', tp: '156.500', float32: true },
  { id: 51240, actualTime: '2024-04-30T13:00:00Z', comment: 'Triangle', pair: 'XAUUSD', cmd: 5, tradingSystem: 3, period: 'H4', price: '2315.00', sl: '2335.00', tp: '2280.00' },
  { id: 51256, actualTime: '2024-05-01T09:00:00Z', comment: 'Trend channel', pair: 'EURUSD', cmd: 4, tradingSystem: 3, period: 'H1', price: '1.06980', sl: '1.06720', tp: '1.07450', float32: true },
  { id: 51262, actualTime: '2024-05-01T14:00:00Z', comment: 'Head and shoulders', pair: 'AUDUSD', cmd: 3, tradingSystem: 3, period: 'H4', price: '0.65600', sl: '0.65950', tp: '0.65000' },
  { id: 51270, actualTime: '2024-05-02T07:00:00Z', comment: 'Support level', pair: 'GBPUSD', cmd: 2, tradingSystem: 3, period: 'M30', price: '1.24900', sl: '1.24600', tp: '1.25400' },
  { id: 51277, actualTime: '2024-05-02T10:00:00Z', comment: 'Double bottom', pair: 'EURUSD', cmd: 0, tradingSystem: 3, period: 'H1', price: '1.07020', sl: '1.06750', tp: '1.07500' },
  { id: 51281, actualTime: '2024-05-02T12:00:00Z', comment: 'Trend channel', pair: 'USDJPY', cmd: 1, tradingSystem: 2, period: 'D1', price: '155.200', sl: '156.300', tp: '152.800' },
];
