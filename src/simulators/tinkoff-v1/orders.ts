import { randomUUID } from 'node:crypto';
import Big from 'big.js';
import { seedOrders, type Currency, type OperationSide, type SimulatedInstrument } from './data.js';
import { notTradingMessage, priceOutsideLimitsMessage, tinkoffV1Errors } from './errors.js';
import { averagePrice, brokerFee, isInsideBand, isOnPriceStep, matchAgainstBook, weightedAverage, type Fill } from './market.js';
import { isActive, type BrokerAccount, type OrderRecord, type TinkoffV1SimulatorState } from './state.js';
import { javaDouble, moscowTimestamp, plain } from './wire.js';

/**
 * How orders execute at the simulated v1 broker. A marketable order takes liquidity from the
 * static book at once (possibly in several trades), pays a 0.05% broker fee that also appears as
 * its own BrokerCommission operation, and whatever a limit order could not fill rests, blocking
 * cash or securities until it is cancelled. Every order has an operation with the order's id
 * (MOEX order ids match operation ids, io#376): Progress while it rests, Done once filled,
 * Decline if nothing filled. The sandbox fills every order at once (limit at its price, market
 * at 100 per unit), without commissions.
 */

export interface OrderRequest {
  figi: string;
  operation: OperationSide;
  lots: number;
  /** Limit orders only. */
  price?: Big;
}

export interface PlacedOrder {
  orderId: string;
  operation: OperationSide;
  status: OrderRecord['status'];
  rejectReason?: string;
  message?: string;
  requestedLots: number;
  executedLots: number;
  /** The broker fee charged so far (positive), in the instrument's currency. */
  commission?: { currency: Currency; value: string };
}

const sandboxMarketPrice = '100';

export class TinkoffV1Orders {
  private nextMoexOrderNumber = 23541100000;
  private nextSpbOrderNumber = 198471700000;
  private nextTradeNumber = 4103000000;
  private nextCashOperationNumber = 912000000;
  private nextSandboxOperationNumber = 1650000000;

  constructor(
    private readonly state: TinkoffV1SimulatorState,
    private readonly now: () => Date,
  ) {
    this.seedRestingOrders();
  }

  place(account: BrokerAccount, request: OrderRequest): PlacedOrder {
    const instrument = this.state.instrument(request.figi);
    const limit = request.price;
    if (limit && !isOnPriceStep(instrument, limit)) {
      throw tinkoffV1Errors.validation(
        'price',
        `${javaDouble(limit.toFixed())} has invalid scale, minPriceIncrement=${javaDouble(instrument.minPriceIncrement)}`,
      );
    }
    const sandbox = account.environment === 'sandbox';
    if (!sandbox && instrument.tradeStatus !== 'NormalTrading') return this.reject(account, instrument, request, notTradingMessage);
    if (!sandbox && limit && !isInsideBand(instrument, limit)) return this.reject(account, instrument, request, priceOutsideLimitsMessage);

    const fills: Fill[] = sandbox
      ? [{ lots: request.lots, price: limit ? plain(limit) : sandboxMarketPrice }]
      : matchAgainstBook(instrument, request.operation, request.lots, limit);
    const filledLots = fills.reduce((sum, fill) => sum + fill.lots, 0);
    const amount = fills.reduce((sum, fill) => sum.plus(new Big(fill.lots).times(instrument.lot).times(fill.price)), new Big(0));
    const fee = sandbox || amount.eq(0) ? new Big(0) : brokerFee(amount);
    const restingLots = limit ? request.lots - filledLots : 0;
    this.requireBalance(account, instrument, request, amount.plus(fee), restingLots);

    const order: OrderRecord = {
      orderId: this.newOrderId(account, instrument),
      figi: instrument.figi,
      operation: request.operation,
      type: limit ? 'Limit' : 'Market',
      status: filledLots === request.lots ? 'Fill' : restingLots > 0 ? (filledLots > 0 ? 'PartiallyFill' : 'New') : 'Cancelled',
      requestedLots: request.lots,
      executedLots: filledLots,
      price: limit ? plain(limit) : filledLots > 0 ? averagePrice(amount, filledLots * instrument.lot) : '0',
      operationId: undefined,
    };
    account.orders.set(order.orderId, order);
    for (const fill of fills) this.settle(account, instrument, request.operation, fill);
    if (fee.gt(0)) this.adjustCash(account, instrument.currency, fee.times(-1));

    const date = moscowTimestamp(this.now());
    order.operationId = sandbox ? String(this.nextSandboxOperationNumber++) : order.orderId;
    account.operations.push({
      id: order.operationId,
      operationType: request.operation,
      date,
      instrumentType: instrument.type,
      figi: instrument.figi,
      quantity: request.lots * instrument.lot,
      // The sandbox never reported quantityExecuted (invest-openapi-csharp-sdk #95).
      quantityExecuted: sandbox ? undefined : filledLots * instrument.lot,
      price: filledLots > 0 ? averagePrice(amount, filledLots * instrument.lot) : order.price,
      payment: plain(request.operation === 'Buy' ? amount.times(-1) : amount),
      currency: instrument.currency,
      commission: fee.gt(0) ? plain(fee.times(-1)) : undefined,
      trades: fills.length > 0 ? fills.map((fill) => this.trade(fill, instrument, date)) : undefined,
      status: isActive(order.status) ? 'Progress' : filledLots > 0 ? 'Done' : 'Decline',
    });
    if (fee.gt(0)) this.recordBrokerCommission(account, instrument, date, fee);

    return {
      orderId: order.orderId,
      operation: order.operation,
      status: order.status,
      requestedLots: order.requestedLots,
      executedLots: order.executedLots,
      commission: fee.gt(0) ? { currency: instrument.currency, value: plain(fee) } : undefined,
    };
  }

  /** Cancels a resting order; anything else (unknown, filled, cancelled) is ORDER_ERROR. */
  cancel(account: BrokerAccount, orderId: string): void {
    const order = account.orders.get(orderId);
    if (!order || !isActive(order.status)) throw tinkoffV1Errors.orderNotFound(orderId);
    order.status = 'Cancelled';
    const operation = account.operations.find((candidate) => candidate.id === order.operationId);
    // Partly filled then cancelled is Done with quantityExecuted < quantity; unfilled is Decline.
    if (operation) operation.status = order.executedLots > 0 ? 'Done' : 'Decline';
  }

  private reject(account: BrokerAccount, instrument: SimulatedInstrument, request: OrderRequest, message: string): PlacedOrder {
    const orderId = this.newOrderId(account, instrument);
    const price = request.price ? plain(request.price) : instrument.lastPrice;
    account.orders.set(orderId, {
      orderId,
      figi: instrument.figi,
      operation: request.operation,
      type: request.price ? 'Limit' : 'Market',
      status: 'Rejected',
      requestedLots: request.lots,
      executedLots: 0,
      price,
      operationId: orderId,
    });
    account.operations.push({
      id: orderId,
      operationType: request.operation,
      date: moscowTimestamp(this.now()),
      instrumentType: instrument.type,
      figi: instrument.figi,
      quantity: request.lots * instrument.lot,
      quantityExecuted: 0,
      price,
      payment: '0',
      currency: instrument.currency,
      status: 'Decline',
    });
    return { orderId, operation: request.operation, status: 'Rejected', rejectReason: 'Unknown', message, requestedLots: request.lots, executedLots: 0 };
  }

  /** Free cash (for buys) or free units (for sells) must cover the order, resting part included. */
  private requireBalance(
    account: BrokerAccount,
    instrument: SimulatedInstrument,
    request: OrderRequest,
    filledCost: Big,
    restingLots: number,
  ): void {
    const blockedCash = this.state.blockedCash(account);
    const freeCash = (currency: Currency) => new Big(account.cash.get(currency) ?? '0').minus(blockedCash.get(currency) ?? '0');
    if (request.operation === 'Buy') {
      const resting = new Big(restingLots).times(instrument.lot).times(request.price ?? 0);
      if (freeCash(instrument.currency).lt(filledCost.plus(resting))) throw tinkoffV1Errors.notEnoughBalance(instrument.currency);
      return;
    }
    const units = new Big(request.lots).times(instrument.lot);
    if (instrument.buysCurrency) {
      if (freeCash(instrument.buysCurrency).lt(units)) throw tinkoffV1Errors.notEnoughBalance(instrument.buysCurrency);
      return;
    }
    const held = new Big(account.holdings.get(instrument.figi)?.balance ?? '0');
    // Not sourced: the message names the security by ticker, as it names cash by currency code.
    if (held.minus(this.state.blockedUnits(account, instrument.figi)).lt(units)) throw tinkoffV1Errors.notEnoughBalance(instrument.ticker);
  }

  /** Moves securities (or a currency pair's currency) and cash for one fill. */
  private settle(account: BrokerAccount, instrument: SimulatedInstrument, operation: OperationSide, fill: Fill): void {
    const units = new Big(fill.lots).times(instrument.lot);
    const value = units.times(fill.price);
    const buying = operation === 'Buy';
    this.adjustCash(account, instrument.currency, buying ? value.times(-1) : value);
    if (instrument.buysCurrency) {
      const held = new Big(account.cash.get(instrument.buysCurrency) ?? '0');
      if (buying) {
        const average = account.currencyAverages.get(instrument.buysCurrency) ?? '0';
        account.currencyAverages.set(instrument.buysCurrency, weightedAverage(held, average, units, fill.price));
      }
      this.adjustCash(account, instrument.buysCurrency, buying ? units : units.times(-1));
      return;
    }
    const holding = account.holdings.get(instrument.figi) ?? { balance: '0' };
    const held = new Big(holding.balance);
    const balance = buying ? held.plus(units) : held.minus(units);
    if (balance.eq(0)) {
      account.holdings.delete(instrument.figi);
      return;
    }
    if (buying) {
      const accrued = instrument.accruedInterest ?? '0';
      holding.averagePrice = weightedAverage(held, holding.averagePrice ?? '0', units, new Big(fill.price).plus(accrued).toFixed());
      if (instrument.type === 'Bond') {
        holding.averagePriceNoNkd = weightedAverage(held, holding.averagePriceNoNkd ?? '0', units, fill.price);
      }
    }
    holding.balance = plain(balance);
    account.holdings.set(instrument.figi, holding);
  }

  private adjustCash(account: BrokerAccount, currency: Currency, delta: Big): void {
    account.cash.set(currency, plain(new Big(account.cash.get(currency) ?? '0').plus(delta)));
  }

  private recordBrokerCommission(account: BrokerAccount, instrument: SimulatedInstrument, date: string, fee: Big): void {
    account.operations.push({
      id: String(this.nextCashOperationNumber++),
      operationType: 'BrokerCommission',
      date,
      instrumentType: instrument.type,
      figi: instrument.figi,
      quantity: 0,
      quantityExecuted: 0,
      payment: plain(fee.times(-1)),
      currency: instrument.currency,
      status: 'Done',
    });
  }

  private trade(fill: Fill, instrument: SimulatedInstrument, date: string) {
    return { tradeId: String(this.nextTradeNumber++), date, quantity: fill.lots * instrument.lot, price: fill.price };
  }

  /** MOEX order ids are 11 digits, SPB (foreign shares) 12, sandbox order ids are UUIDs. */
  private newOrderId(account: BrokerAccount, instrument: SimulatedInstrument): string {
    if (account.environment === 'sandbox') return randomUUID();
    if (instrument.type === 'Stock' && instrument.currency === 'USD') return String(this.nextSpbOrderNumber++);
    return String(this.nextMoexOrderNumber++);
  }

  /** The seeded resting orders, placed shortly before the simulator started. */
  private seedRestingOrders(): void {
    for (const seed of seedOrders) {
      const account = this.state.tradingAccounts.find((candidate) => candidate.brokerAccountId === seed.accountId)!;
      const instrument = this.state.instrument(seed.figi);
      const date = moscowTimestamp(new Date(this.now().getTime() - seed.placedMinutesAgo * 60_000));
      account.orders.set(seed.orderId, {
        orderId: seed.orderId,
        figi: seed.figi,
        operation: seed.operation,
        type: 'Limit',
        status: seed.executedLots > 0 ? 'PartiallyFill' : 'New',
        requestedLots: seed.requestedLots,
        executedLots: seed.executedLots,
        price: seed.price,
        operationId: seed.orderId,
      });
      const fills = seed.fills;
      const filledValue = fills ? new Big(fills.lots).times(instrument.lot).times(fills.price) : new Big(0);
      account.operations.push({
        id: seed.orderId,
        operationType: seed.operation,
        date,
        instrumentType: instrument.type,
        figi: seed.figi,
        quantity: seed.requestedLots * instrument.lot,
        quantityExecuted: seed.executedLots * instrument.lot,
        price: seed.price,
        payment: plain(seed.operation === 'Buy' ? filledValue.times(-1) : filledValue),
        currency: instrument.currency,
        commission: fills ? `-${fills.commission}` : undefined,
        trades: fills ? [{ tradeId: fills.tradeId, date, quantity: fills.lots * instrument.lot, price: fills.price }] : undefined,
        status: 'Progress',
      });
      if (fills) this.recordBrokerCommission(account, instrument, date, new Big(fills.commission));
    }
  }
}
