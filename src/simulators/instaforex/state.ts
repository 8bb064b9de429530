import Big from 'big.js';
import { HistoryFaults } from '../common/history-faults.js';
import {
  accounts as seedAccounts,
  Cmd,
  instruments as seedInstruments,
  partners as seedPartners,
  seedBalanceRows,
  seedClosedTrades,
  seedOpenTrades,
  seedSignals,
  type SeedTrade,
  type SimulatedAccount,
  type SimulatedInstrument,
} from './data.js';
import { TokenStore } from './auth.js';
import { cents, currentPrice, isMarketPosition, positionMargin, tradeProfit } from './market.js';
import { toUnixSeconds, type TimestampFormat } from './wire.js';

/**
 * The world behind the InstaForex simulator, MT4-style: an account's balance is the sum of its
 * history (trade results, swaps, commissions and Cmd 6 balance rows), its credit the sum of
 * Cmd 7 rows, and open positions are valued at the current quote (bid for buys, ask for sells),
 * converted to USD. Everything is exact decimal arithmetic; results are rounded to cents the
 * way MT4 rounds a trade's profit.
 */

/** One MT4 TradeRecord: an open position, a pending order, a closed trade or a balance/credit row. */
export interface TradeRecord {
  ticket: number;
  login: number;
  /** Empty for balance and credit rows. */
  symbol: string;
  cmd: number;
  volume: string;
  openTime: number;
  openPrice: string;
  sl: string;
  tp: string;
  /** The current price for an open position, 0 for a pending order, the exit price once closed. */
  closePrice: string;
  commission: string;
  swap: string;
  profit: string;
  comment: string;
  /** Closed records only. */
  closeTime?: number;
  float32: boolean;
}

export interface BalanceInformation {
  login: number;
  balance: string;
  credit: string;
  equity: string;
  margin: string;
  freeMargin: string;
  marginLevel: string;
  /** Floating result of open positions: profit + swap + commission. */
  profit: string;
  currency: string;
  leverage: number;
}

export interface Signal {
  id: number;
  actualTime: number;
  comment: string;
  pair: string;
  cmd: number;
  tradingSystem: number;
  period: string;
  price: string;
  sl: string;
  tp: string;
  float32: boolean;
}

/** Answers that vary between plausible readings of the protocol; tests flip them at run time. */
export interface InstaforexSwitches {
  /** Bad credentials: 401 with ASP.NET's denial body, or 200 with `null`. */
  badCredentials: 'unauthorized' | 'null';
  timestampFormat: TimestampFormat;
  /** Send the records flagged in the seed data with float32-widened prices. */
  float32Prices: boolean;
  /** Status when a `client/*` path names another login than the token's. */
  otherLoginStatus: 401 | 403;
}


export class InstaforexSimulatorState {
  readonly instruments = new Map<string, SimulatedInstrument>(seedInstruments.map((instrument) => [instrument.symbol, { ...instrument }]));
  readonly accounts: SimulatedAccount[] = seedAccounts.map((account) => ({ ...account }));
  readonly partners = seedPartners.map((partner) => ({ ...partner, referrals: [...partner.referrals] }));
  /** Open positions and pending orders (closePrice and profit are computed when read). */
  readonly openTrades: TradeRecord[];
  /** Closed trades and balance/credit rows. */
  readonly history: TradeRecord[];
  readonly signals: Signal[] = seedSignals.map(({ actualTime, float32, ...signal }) => ({
    ...signal,
    actualTime: toUnixSeconds(actualTime),
    float32: float32 ?? false,
  }));
  readonly tokens: TokenStore;
  /** The closed trades' fault switches (common/history-faults.ts). */
  readonly historyFaults = new HistoryFaults<TradeRecord>(
    (row) => (row.closeTime ?? row.openTime) * 1000,
    () => {
      for (const [index, row] of this.history.entries()) row.ticket = 90_000_000 + this.historyFaults.idChanges * 1_000_000 + index;
    },
  );

  constructor(
    readonly switches: InstaforexSwitches,
    tokenLifetimeSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tokens = new TokenStore(now, tokenLifetimeSeconds);
    this.openTrades = seedOpenTrades.map((seed) => this.record(seed, '0', '0'));
    this.history = [
      ...seedClosedTrades.map((seed) => {
        const closePrice = seed.closePrice ?? '0';
        const profit = tradeProfit(this.instrument(seed.symbol), seed.cmd, seed.volume, seed.openPrice, closePrice);
        return { ...this.record(seed, closePrice, profit), closeTime: toUnixSeconds(seed.closeTime ?? seed.openTime) };
      }),
      ...seedBalanceRows.map((row) => this.balanceRow(row.ticket, row.login, row.cmd, toUnixSeconds(row.time), row.amount, row.comment)),
    ];
  }

  // ---- reads ----------------------------------------------------------------------------

  account(login: number): SimulatedAccount | undefined {
    return this.accounts.find((account) => account.login === login);
  }

  isReferral(partnerLogin: number, clientLogin: number): boolean {
    return this.partners.some((partner) => partner.login === partnerLogin && partner.referrals.includes(clientLogin));
  }

  /** Open positions (valued at the current quote) and pending orders, by ticket. */
  openTradeRecords(login: number): TradeRecord[] {
    return this.openTrades
      .filter((trade) => trade.login === login)
      .map((trade) => {
        if (!isMarketPosition(trade.cmd)) return { ...trade, closePrice: '0', profit: '0' };
        const closePrice = currentPrice(this.instrument(trade.symbol), trade.cmd);
        return { ...trade, closePrice, profit: tradeProfit(this.instrument(trade.symbol), trade.cmd, trade.volume, trade.openPrice, closePrice) };
      })
      .sort((left, right) => left.ticket - right.ticket);
  }

  /**
   * The closed-trades route's rows: `closedTradeRecords` with the history's faults applied (tickets
   * changing, rows held back; MT4's history is not paged, so no seams).
   */
  readClosedTrades(login: number, from: number, to: number): TradeRecord[] {
    this.historyFaults.beforeRead();
    const rows = this.closedTradeRecords(login, from, to).filter((row) => this.historyFaults.visible(row));
    this.historyFaults.afterRead(from * 1000, to * 1000);
    return rows;
  }

  /** History rows whose close time lies in [from, to] (unix seconds, inclusive), oldest first. */
  closedTradeRecords(login: number, from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): TradeRecord[] {
    return this.history
      .filter((row) => row.login === login && row.closeTime !== undefined && row.closeTime >= from && row.closeTime <= to)
      .sort((left, right) => left.closeTime! - right.closeTime! || left.ticket - right.ticket);
  }

  balanceInformation(login: number): BalanceInformation | undefined {
    const account = this.account(login);
    if (!account) return undefined;
    let balance = new Big(0);
    let credit = new Big(0);
    for (const row of this.history.filter((candidate) => candidate.login === login)) {
      if (row.cmd === Cmd.credit) credit = credit.plus(row.profit);
      else balance = balance.plus(row.profit).plus(row.swap).plus(row.commission);
    }
    let floating = new Big(0);
    let margin = new Big(0);
    for (const trade of this.openTradeRecords(login).filter((candidate) => isMarketPosition(candidate.cmd))) {
      floating = floating.plus(trade.profit).plus(trade.swap).plus(trade.commission);
      margin = margin.plus(positionMargin(this.instrument(trade.symbol), trade, account.leverage));
    }
    margin = cents(margin);
    const equity = balance.plus(credit).plus(floating);
    return {
      login,
      balance: balance.toFixed(),
      credit: credit.toFixed(),
      equity: equity.toFixed(),
      margin: margin.toFixed(),
      freeMargin: equity.minus(margin).toFixed(),
      // MT4 reports 0 while no margin is used (the level is undefined then).
      marginLevel: margin.eq(0) ? '0' : cents(equity.div(margin).times(100)).toFixed(),
      profit: floating.toFixed(),
      currency: account.currency,
      leverage: account.leverage,
    };
  }

  /** Signals whose pair is listed and whose time lies in [from, to]; optionally one trading system. */
  signalsFor(pairs: string[], from: number, to: number, tradingSystem: number | undefined): Signal[] {
    const wanted = new Set(pairs.map((pair) => pair.trim().toUpperCase()));
    return this.signals
      .filter((signal) => wanted.has(signal.pair) && signal.actualTime >= from && signal.actualTime <= to)
      .filter((signal) => tradingSystem === undefined || signal.tradingSystem === tradingSystem)
      .sort((left, right) => right.actualTime - left.actualTime);
  }

  // ---- changes (for tests and the demo; the API itself is read-only) ---------------------

  /** Moves the market: open positions, equity and margin follow. */
  setQuote(symbol: string, bid: string, ask: string): void {
    const instrument = this.instruments.get(symbol);
    if (!instrument) throw new Error(`unknown symbol ${symbol}`);
    instrument.bid = new Big(bid).toFixed(instrument.digits);
    instrument.ask = new Big(ask).toFixed(instrument.digits);
  }

  /**
   * Closes a market position at the current quote (it moves to the history and is returned), or
   * deletes a pending order (undefined, as for an unknown ticket).
   */
  closeTrade(ticket: number): TradeRecord | undefined {
    const index = this.openTrades.findIndex((trade) => trade.ticket === ticket);
    if (index < 0) return undefined;
    const [trade] = this.openTrades.splice(index, 1);
    if (!trade || !isMarketPosition(trade.cmd)) return undefined;
    const closePrice = currentPrice(this.instrument(trade.symbol), trade.cmd);
    const closed: TradeRecord = {
      ...trade,
      closePrice,
      profit: tradeProfit(this.instrument(trade.symbol), trade.cmd, trade.volume, trade.openPrice, closePrice),
      closeTime: Math.floor(this.now().getTime() / 1000),
    };
    this.history.push(closed);
    return closed;
  }

  /** A deposit (positive) or withdrawal (negative) as a Cmd 6 row. */
  addBalanceOperation(login: number, amount: string, comment = new Big(amount).lt(0) ? 'Withdrawal' : 'Deposit'): TradeRecord {
    const row = this.balanceRow(this.nextTicket(), login, Cmd.balance, Math.floor(this.now().getTime() / 1000), amount, comment);
    this.history.push(row);
    return row;
  }

  private instrument(symbol: string): SimulatedInstrument {
    const instrument = this.instruments.get(symbol);
    if (!instrument) throw new Error(`unknown symbol ${symbol}`);
    return instrument;
  }

  private record(seed: SeedTrade, closePrice: string, profit: string): TradeRecord {
    return {
      ticket: seed.ticket,
      login: seed.login,
      symbol: seed.symbol,
      cmd: seed.cmd,
      volume: seed.volume,
      openTime: toUnixSeconds(seed.openTime),
      openPrice: seed.openPrice,
      sl: seed.sl,
      tp: seed.tp,
      closePrice,
      commission: seed.commission,
      swap: seed.swap,
      profit,
      comment: seed.comment,
      float32: seed.float32 ?? false,
    };
  }

  private balanceRow(ticket: number, login: number, cmd: number, time: number, amount: string, comment: string): TradeRecord {
    return {
      ticket,
      login,
      symbol: '',
      cmd,
      volume: '0',
      openTime: time,
      openPrice: '0',
      sl: '0',
      tp: '0',
      closePrice: '0',
      commission: '0',
      swap: '0',
      profit: new Big(amount).toFixed(),
      comment,
      closeTime: time,
      float32: false,
    };
  }

  private nextTicket(): number {
    return Math.max(...this.openTrades.map((trade) => trade.ticket), ...this.history.map((row) => row.ticket)) + 1;
  }
}
