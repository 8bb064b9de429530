import Big from 'big.js';
import {
  cash as seedCash,
  currencyAverages as seedCurrencyAverages,
  holdings as seedHoldings,
  instruments,
  seedOperations,
  tradingAccounts,
  type BrokerAccountType,
  type Currency,
  type OperationSide,
  type SeedOperation,
  type SimulatedInstrument,
} from './data.js';
import { CandleSeries } from '../common/candles.js';
import { HistoryFaults } from '../common/history-faults.js';
import { tinkoffV1Errors } from './errors.js';
import { plain } from './wire.js';

/**
 * The mutable world behind the v1 simulator: the seeded trading accounts and, per sandbox
 * token, the sandbox accounts it registered, with their holdings, cash, orders and operations.
 * How orders change it is in ./orders.ts.
 */

export type Environment = 'trading' | 'sandbox';
export type OrderStatus = 'New' | 'PartiallyFill' | 'Fill' | 'Cancelled' | 'Rejected';

export interface HoldingRecord {
  /** Units, including those blocked by resting sell orders. */
  balance: string;
  averagePrice?: string;
  averagePriceNoNkd?: string;
}

export interface OrderRecord {
  orderId: string;
  figi: string;
  operation: OperationSide;
  type: 'Limit' | 'Market';
  status: OrderStatus;
  requestedLots: number;
  executedLots: number;
  /** Limit price, or the average fill price of a market order. */
  price: string;
  operationId: string | undefined;
}

export type OperationRecord = Omit<SeedOperation, 'accountId'>;

export class BrokerAccount {
  readonly holdings = new Map<string, HoldingRecord>();
  /** Total cash (free + blocked) per currency. */
  readonly cash = new Map<Currency, string>();
  /** RUB paid per unit of each foreign currency held. */
  readonly currencyAverages = new Map<Currency, string>();
  readonly orders = new Map<string, OrderRecord>();
  readonly operations: OperationRecord[] = [];

  constructor(
    readonly environment: Environment,
    readonly brokerAccountType: BrokerAccountType,
    readonly brokerAccountId: string,
  ) {}
}

const activeStatuses = new Set<OrderStatus>(['New', 'PartiallyFill']);

/** Resting: new or partly filled, neither filled, cancelled nor rejected. */
export function isActive(status: OrderStatus): boolean {
  return activeStatuses.has(status);
}

export class TinkoffV1SimulatorState {
  readonly instruments = instruments;
  readonly tradingAccounts: BrokerAccount[];
  /** The operation history's fault switches (common/history-faults.ts): v1 does not page, so ids and late rows only. */
  readonly history = new HistoryFaults<OperationRecord>(
    (operation) => Date.parse(operation.date),
    () => {
      const rows = this.tradingAccounts.flatMap((account) => account.operations);
      for (const [index, operation] of rows.entries()) operation.id = String(600_000_000 + this.history.idChanges * 100_000 + index);
    },
  );
  /** Every instrument's candles (GET /market/candles), centred on its last price. */
  readonly candles = new CandleSeries(instruments.map((instrument) => ({ key: instrument.figi, priceStep: instrument.minPriceIncrement, price: instrument.lastPrice })));
  private readonly sandboxAccounts = new Map<string, BrokerAccount[]>();
  private nextSandboxAccountNumber = 2936300;

  constructor() {
    this.tradingAccounts = tradingAccounts.map((seed) => {
      const account = new BrokerAccount('trading', seed.brokerAccountType, seed.brokerAccountId);
      for (const holding of seedHoldings[seed.brokerAccountId] ?? []) account.holdings.set(holding.figi, { ...holding });
      for (const [currency, amount] of Object.entries(seedCash[seed.brokerAccountId] ?? {})) account.cash.set(currency as Currency, amount);
      for (const [currency, price] of Object.entries(seedCurrencyAverages[seed.brokerAccountId] ?? {})) {
        account.currencyAverages.set(currency as Currency, price);
      }
      for (const { accountId: _accountId, ...operation } of seedOperations.filter((row) => row.accountId === seed.brokerAccountId)) {
        account.operations.push({ ...operation });
      }
      return account;
    });
  }

  // ---- lookups --------------------------------------------------------------------------

  findInstrument(figi: string): SimulatedInstrument | undefined {
    return this.instruments.find((instrument) => instrument.figi === figi);
  }

  /** Orders, balances and operations refer to instruments that must exist. */
  instrument(figi: string): SimulatedInstrument {
    const instrument = this.findInstrument(figi);
    if (!instrument) throw tinkoffV1Errors.instrumentNotFound(figi);
    return instrument;
  }

  accounts(environment: Environment, token: string): BrokerAccount[] {
    return environment === 'trading' ? this.tradingAccounts : (this.sandboxAccounts.get(token) ?? []);
  }

  /**
   * The account a request means: `brokerAccountId` when given, else the "Tinkoff" brokerage
   * account. The sandbox has none until /sandbox/register created it.
   */
  resolveAccount(environment: Environment, token: string, brokerAccountId: string | undefined): BrokerAccount {
    const accounts = this.accounts(environment, token);
    if (brokerAccountId) {
      const account = accounts.find((candidate) => candidate.brokerAccountId === brokerAccountId);
      if (!account) throw tinkoffV1Errors.unknownAccount();
      return account;
    }
    const account = accounts.find((candidate) => candidate.brokerAccountType === 'Tinkoff');
    if (account) return account;
    if (environment === 'sandbox') throw tinkoffV1Errors.sandboxAccountMissing('Tinkoff');
    throw tinkoffV1Errors.unknownAccount();
  }

  activeOrders(account: BrokerAccount): OrderRecord[] {
    return [...account.orders.values()].filter((order) => isActive(order.status));
  }

  /** Cash held by resting orders: buys block their price, currency-pair sells the currency. */
  blockedCash(account: BrokerAccount): Map<Currency, string> {
    const blocked = new Map<Currency, Big>();
    const add = (currency: Currency, amount: Big) => blocked.set(currency, (blocked.get(currency) ?? new Big(0)).plus(amount));
    for (const order of this.activeOrders(account)) {
      const instrument = this.instrument(order.figi);
      const units = new Big(order.requestedLots - order.executedLots).times(instrument.lot);
      if (order.operation === 'Buy') add(instrument.currency, units.times(order.price));
      else if (instrument.buysCurrency) add(instrument.buysCurrency, units);
    }
    return new Map([...blocked].map(([currency, amount]) => [currency, plain(amount)]));
  }

  /** Units of a security held by resting sell orders. */
  blockedUnits(account: BrokerAccount, figi: string): string {
    const instrument = this.instrument(figi);
    const lots = this.activeOrders(account)
      .filter((order) => order.operation === 'Sell' && order.figi === figi)
      .reduce((sum, order) => sum + order.requestedLots - order.executedLots, 0);
    return plain(new Big(lots).times(instrument.lot));
  }

  /** GET /operations: `operationsBetween`, with the history's faults applied (ids changing, rows held back). */
  readOperations(account: BrokerAccount, from: number, to: number, figi: string | undefined): OperationRecord[] {
    this.history.beforeRead();
    const rows = this.operationsBetween(account, from, to, figi);
    this.history.afterRead(from, to);
    return rows;
  }

  /** Operations in [from, to), optionally of one instrument, newest first. */
  operationsBetween(account: BrokerAccount, from: number, to: number, figi: string | undefined): OperationRecord[] {
    return account.operations
      .filter((operation) => (figi === undefined || operation.figi === figi) && this.history.visible(operation))
      .filter((operation) => {
        const time = Date.parse(operation.date);
        return time >= from && time < to;
      })
      .sort((left, right) => Date.parse(right.date) - Date.parse(left.date));
  }

  // ---- sandbox --------------------------------------------------------------------------

  /** Registering twice returns the same account: one sandbox account per type and token. */
  registerSandbox(token: string, type: BrokerAccountType): BrokerAccount {
    const accounts = this.sandboxAccounts.get(token) ?? [];
    this.sandboxAccounts.set(token, accounts);
    const existing = accounts.find((account) => account.brokerAccountType === type);
    if (existing) return existing;
    const account = new BrokerAccount('sandbox', type, `SB${this.nextSandboxAccountNumber++}`);
    for (const currency of ['EUR', 'RUB', 'USD'] as const) account.cash.set(currency, '0');
    accounts.push(account);
    return account;
  }

  removeSandbox(token: string, account: BrokerAccount): void {
    const accounts = this.sandboxAccounts.get(token) ?? [];
    this.sandboxAccounts.set(token, accounts.filter((candidate) => candidate !== account));
  }

  /** Removes every position: securities go, currency balances drop to zero. */
  clearSandbox(account: BrokerAccount): void {
    account.holdings.clear();
    account.orders.clear();
    for (const currency of account.cash.keys()) account.cash.set(currency, '0');
  }

  setSandboxCurrencyBalance(account: BrokerAccount, currency: Currency, balance: Big): void {
    account.cash.set(currency, plain(balance));
  }

  setSandboxPositionBalance(account: BrokerAccount, figi: string, balance: Big): void {
    const instrument = this.findInstrument(figi);
    if (!instrument) throw tinkoffV1Errors.securityNotFound(figi);
    if (instrument.buysCurrency) account.cash.set(instrument.buysCurrency, plain(balance));
    else if (balance.eq(0)) account.holdings.delete(figi);
    else account.holdings.set(figi, { balance: plain(balance) });
  }


}

