import Big from 'big.js';
import { moneyValue } from '../wire.js';
import { coalesce } from '../../common/throttle.js';
import { onFirstRequest, type StreamContext } from './context.js';
import { pingDelay, streamErrors, strings, timestamp, trackingId } from './protocol.js';

/**
 * `OperationsStreamService/PortfolioStream` and `PositionsStream` (streams.md §1.1,
 * operations.proto): the request names the accounts, the acknowledgement gives a status per
 * account, and the account's state is pushed whenever an order changes it — its cash, blocked
 * amounts or holdings.
 *
 * ⚠ What the docs leave open, and the simulator's choice:
 *  - PortfolioStream sends no portfolio on subscribing (only PositionsStream has a flag for the
 *    initial state, `withInitialPositions`): a reader takes the current portfolio from
 *    GetPortfolio. Each pushed portfolio is GetPortfolio's answer for the same state.
 *  - Neither stream pushes on price moves alone; positions and cash changes only.
 *  - A `position` message lists the money and securities the change touched, not all of them;
 *    a security sold out appears once with balance "0".
 *  - An empty `accounts` list is INVALID_ARGUMENT (30021, close 4003).
 */

export function servePortfolioStream(context: StreamContext): void {
  onFirstRequest(context, (request) => {
    const accounts = subscribe(context, request, 'PORTFOLIO_SUBSCRIPTION_STATUS');
    if (!accounts) return;
    const push = coalesce<string>((changed) => {
      for (const accountId of changed) context.send({ portfolio: context.simulator.portfolio(accountId) }, { subscription: `portfolio:${accountId}` });
    });
    const stop = context.simulator.state.events.add((event) => {
      if (accounts.has(event.order.accountId)) push(event.order.accountId);
    });
    context.onClose(stop);
  });
}

export function servePositionsStream(context: StreamContext): void {
  onFirstRequest(context, (request) => {
    const accounts = subscribe(context, request, 'POSITIONS_SUBSCRIPTION_STATUS');
    if (!accounts) return;
    const state = context.simulator.state;
    if (request['withInitialPositions'] === true) {
      for (const accountId of accounts) context.send({ initialPositions: context.simulator.positions(accountId) }, { subscription: `positions:${accountId}` });
    }
    const push = coalesce<string>((changed) => {
      const byAccount = new Map<string, Set<string>>();
      for (const entry of changed) {
        const [accountId, figi] = entry.split(' ') as [string, string];
        byAccount.set(accountId, (byAccount.get(accountId) ?? new Set()).add(figi));
      }
      for (const [accountId, figis] of byAccount) {
        const message = positionMessage(context, accountId, figis);
        context.send(message, { subscription: `positions:${accountId}`, time: message.position.date });
      }
    });
    const stop = state.events.add((event) => {
      if (accounts.has(event.order.accountId)) push(`${event.order.accountId} ${event.order.figi}`);
    });
    context.onClose(stop);
  });
}

/** Reads the request, acknowledges it and starts the pings; the accounts subscribed, or undefined when the stream failed. */
function subscribe(context: StreamContext, request: Record<string, unknown>, statusPrefix: string): Set<string> | undefined {
  const accounts = strings(request['accounts']);
  if (accounts.length === 0) {
    context.fail(streamErrors.missingAccounts);
    return undefined;
  }
  const settings = request['pingSettings'];
  context.keepAlive(pingDelay(typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>)['pingDelayMs'] : undefined));
  for (const accountId of accounts) context.countSubscribe(`${context.method}:${accountId}`);
  const statuses = accounts.map((accountId) => ({
    accountId,
    subscriptionStatus: `${statusPrefix}_${context.readableAccount(accountId) ? 'SUCCESS' : 'ACCOUNT_NOT_FOUND'}`,
  }));
  context.send({ subscriptions: { accounts: statuses, trackingId: trackingId(), streamId: context.streamId } }, { category: 'ack' });
  return new Set(accounts.filter((accountId) => context.readableAccount(accountId)));
}

/** operations.proto `PositionData`: money as available + blocked, securities as free balance + blocked units. */
function positionMessage(context: StreamContext, accountId: string, figis: Set<string>) {
  const state = context.simulator.state;
  const instruments = [...figis].map((figi) => state.instrument(figi));
  const currencies = new Set(instruments.map((instrument) => instrument.currency));
  const blocked = state.blockedCash(accountId);
  const total = state.totalCash(accountId);
  return {
    position: {
      accountId,
      money: [...currencies].map((currency) => ({
        availableValue: moneyValue(new Big(total.get(currency) ?? '0').minus(blocked.get(currency) ?? '0').toFixed(), currency),
        blockedValue: moneyValue(blocked.get(currency) ?? '0', currency),
      })),
      securities: instruments.map((instrument) => {
        const blockedUnits = state.blockedUnits(accountId, instrument.figi);
        const held = state.securities(accountId).get(instrument.figi)?.quantity ?? '0';
        return {
          figi: instrument.figi,
          blocked: blockedUnits,
          balance: new Big(held).minus(blockedUnits).toFixed(),
          positionUid: instrument.positionUid,
          instrumentUid: instrument.uid,
          exchangeBlocked: false,
          instrumentType: instrument.instrumentType,
        };
      }),
      date: timestamp(context.clock.now()),
    },
  };
}
