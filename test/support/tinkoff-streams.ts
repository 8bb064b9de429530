import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../../src/simulators/tinkoff/server.js';
import { createTinkoffStreams, type TinkoffStreamsOptions } from '../../src/simulators/tinkoff/streams/server.js';
import { StreamClient } from './stream-client.js';

/**
 * The T-Invest simulator and its stream bridge on loopback, on a clock that moves only when the
 * test says so; REST calls go over real HTTP, streams over real WebSockets.
 */
export type TinkoffStreamStack = Awaited<ReturnType<typeof startTinkoffStreams>>;

export const sberFigi = 'BBG004730N88';
export const sberUid = 'e6123145-9665-43e0-8413-cd61b8aa9b13';
export const mainAccount = '2000345678';

export async function startTinkoffStreams(options: TinkoffStreamsOptions = {}) {
  const clock = new ManualClock();
  const simulator = createTinkoffSimulator({ clock, rateLimits: false });
  await simulator.server.start();
  const streams = createTinkoffStreams(simulator, options);
  await streams.server.start();
  const clients: StreamClient[] = [];
  const url = (path: string) => `${streams.url}/tinkoff.public.invest.api.contract.v1.${path}`;
  return {
    clock,
    simulator,
    streams,
    url,
    async open(path: string, options: { token?: string; protocols?: string[]; headers?: Record<string, string> } = {}) {
      const useHeader = options.protocols === undefined;
      const client = await StreamClient.open(url(path), { ...(useHeader ? { token: options.token ?? tinkoffSimulatorTokens.full } : {}), ...options });
      clients.push(client);
      return client;
    },
    async rest(method: string, body: Record<string, unknown>, token: string = tinkoffSimulatorTokens.full): Promise<any> {
      const response = await fetch(`${simulator.baseUrl}/tinkoff.public.invest.api.contract.v1.${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    /** An OrderStateStream on the main account, subscribed (the acknowledgement taken). */
    async orderStates(request: Record<string, unknown> = {}) {
      const client = await this.open('OrdersStreamService/OrderStateStream');
      client.send({ accounts: [mainAccount], ...request });
      const ack = await client.nextWith('subscription');
      return { client, ack };
    },
    /** PostOrder over REST; the key is a fresh UID unless given. */
    order(fields: { figi?: string; direction?: 'BUY' | 'SELL'; type?: 'LIMIT' | 'MARKET'; lots?: number; price?: { units: string; nano: number }; key?: string }) {
      return this.rest('OrdersService/PostOrder', {
        accountId: mainAccount,
        instrumentId: fields.figi ?? sberFigi,
        quantity: String(fields.lots ?? 1),
        direction: `ORDER_DIRECTION_${fields.direction ?? 'BUY'}`,
        orderType: `ORDER_TYPE_${fields.type ?? 'MARKET'}`,
        ...(fields.price ? { price: fields.price } : {}),
        orderId: fields.key ?? randomUUID(),
      });
    },
    async stop() {
      for (const client of clients) client.close();
      await streams.server.stop();
      await simulator.server.stop();
    },
  };
}

/** A subscribe (or unsubscribe) block of MarketDataStream. */
export function subscribeBlock(kind: string, instruments: Array<Record<string, unknown>>, action = 'SUBSCRIPTION_ACTION_SUBSCRIBE', extra: Record<string, unknown> = {}) {
  return { [kind]: { subscriptionAction: action, instruments, ...extra } };
}
