import { randomUUID } from 'node:crypto';
import { tinkoffStreamLimits } from '../../../brokers/tinkoff/limits.js';
import type { SimulatorClock } from '../../common/clock.js';
import { StreamServer, type StreamConnection } from '../../common/websocket.js';
import type { TinkoffSimulator } from '../server.js';
import { servePortfolioStream, servePositionsStream } from './accounts.js';
import type { StreamContext, StreamMethod, StreamSettings } from './context.js';
import { limitGroupOf } from './limits.js';
import { serveMarketData } from './market-data.js';
import { serveOrderStateStream, serveTradesStream } from './orders.js';
import {
  closeCodeOf,
  encodeMessage,
  errorFrame,
  methodPathPrefix,
  readHandshake,
  readRequest,
  streamErrors,
  timestamp,
  type StreamError,
} from './protocol.js';

/**
 * T-Invest's WebSocket bridge of its gRPC streams (streams.md §1; tinvest-v2/ws/), on a port of
 * its own: `ws://127.0.0.1:<port>/ws/tinkoff.public.invest.api.contract.v1.<Service>/<Method>`
 * (any other path, the bare `/ws/` included, answers 404). The token comes in
 * `Authorization: Bearer` or as the second subprotocol (`json, <token>`); an unknown or revoked
 * one ends the stream with UNAUTHENTICATED (40003, close 4016). Open streams are counted per user
 * and refused past T-Invest's limits with 80001 (limits.ts). Everything a stream reports comes
 * from the T-Invest simulator's own state and market, so an order placed over REST shows up here.
 */

export interface TinkoffStreamsOptions {
  /** Default: the simulator's market clock. */
  clock?: SimulatorClock;
  /** 80004 after this long without subscriptions. Default 120,000 ms. */
  idleCloseMilliseconds?: number;
  /** Subscriptions per market-data stream. Default 300 (the simulator has too few instruments to reach that). */
  subscriptionsPerStream?: number;
  /**
   * How long a closed stream still counts against the user's limit. T-Invest's counter "is
   * updated every 2 minutes" (limits.md), so a stream reopened at once may meet 80001. Default 0
   * (released at once); set 120,000 to meet that.
   */
  closedStreamCountsForMilliseconds?: number;
}

export interface TinkoffStreams {
  server: StreamServer;
  /** The connection's `streamUrl`: ws://127.0.0.1:<port>/ws */
  readonly url: string;
  /** Switch: the next `count` stream opens are refused with 80001, whatever the counts. */
  refuseNextOpens(count: number): void;
  /** Switch: revokes a token — REST answers 40003, and its open streams end with UNAUTHENTICATED. */
  revokeToken(token: string): void;
  /** Streams open now against a limit counter (`MarketDataStreamService`, `PortfolioStream`, …), or in all. */
  openStreams(group?: string): number;
}

/** The simulator's tokens all belong to one user: T-Invest counts stream limits per user. */
const simulatedUser = 'simulator-user';

const handlers: Record<string, { method: StreamMethod; serve(context: StreamContext): void }> = {
  'MarketDataStreamService/MarketDataStream': { method: 'MarketDataStream', serve: (context) => serveMarketData(context, false) },
  'MarketDataStreamService/MarketDataServerSideStream': { method: 'MarketDataServerSideStream', serve: (context) => serveMarketData(context, true) },
  'OperationsStreamService/PortfolioStream': { method: 'PortfolioStream', serve: servePortfolioStream },
  'OperationsStreamService/PositionsStream': { method: 'PositionsStream', serve: servePositionsStream },
  'OrdersStreamService/OrderStateStream': { method: 'OrderStateStream', serve: serveOrderStateStream },
  'OrdersStreamService/TradesStream': { method: 'TradesStream', serve: serveTradesStream },
};

export function createTinkoffStreams(simulator: TinkoffSimulator, options: TinkoffStreamsOptions = {}): TinkoffStreams {
  const clock = options.clock ?? simulator.state.market.clock;
  const settings: StreamSettings = {
    idleCloseMilliseconds: options.idleCloseMilliseconds ?? tinkoffStreamLimits.idleCloseMilliseconds,
    orderbookIntervalMilliseconds: tinkoffStreamLimits.orderbookIntervalMilliseconds,
    subscriptionsPerStream: options.subscriptionsPerStream ?? tinkoffStreamLimits.subscriptionsPerStream,
  };
  const open = new Map<StreamConnection, { group: string; token: string; fail(error: StreamError): void }>();
  /** Closed streams the user's counter has not noticed yet (closedStreamCountsForMilliseconds). */
  const lingering: Array<{ group: string; until: number }> = [];
  let refusals = 0;

  const openStreams = (group?: string) => {
    lingering.splice(0, lingering.length, ...lingering.filter((entry) => entry.until > clock.now()));
    const counted = [...open.values(), ...lingering];
    return counted.filter((entry) => group === undefined || entry.group === group).length;
  };

  const server = new StreamServer({
    name: 'tinkoff-streams',
    clock,
    route(request, url) {
      const handler = url.pathname.startsWith(methodPathPrefix) ? handlers[url.pathname.slice(methodPathPrefix.length)] : undefined;
      if (!handler) return { status: 404 };
      const handshake = readHandshake(request);
      return { protocol: handshake.protocol, open: (connection) => start(connection, handler, handshake.token, handshake.protoNames) };
    },
  });

  function start(connection: StreamConnection, handler: (typeof handlers)[string], token: string | undefined, protoNames: boolean) {
    const group = limitGroupOf(handler.method);
    const context = createContext(connection, handler.method, protoNames);
    if (!token || !simulator.tokenAccess(token)) return context.fail(streamErrors.unauthenticated);
    connection.user = simulatedUser;
    if (refusals > 0 || openStreams(group) >= tinkoffStreamLimits.openStreams[group]) {
      refusals = Math.max(0, refusals - 1);
      return context.fail(streamErrors.tooManyStreams);
    }
    open.set(connection, { group, token, fail: context.fail });
    connection.onClose(() => {
      open.delete(connection);
      const linger = options.closedStreamCountsForMilliseconds ?? 0;
      if (linger > 0) lingering.push({ group, until: clock.now() + linger });
    });
    handler.serve(context);
  }

  function createContext(connection: StreamConnection, method: StreamMethod, protoNames: boolean): StreamContext {
    const streamId = randomUUID();
    const send: StreamContext['send'] = (message, sendOptions = {}) =>
      connection.send(encodeMessage(message, protoNames), { category: sendOptions.category ?? 'data', topic: method, ...sendOptions });
    const context: StreamContext = {
      connection,
      simulator,
      method,
      streamId,
      clock,
      settings,
      send,
      fail(error) {
        connection.send(errorFrame(error), { category: 'error', topic: method });
        connection.close(closeCodeOf(error), String(error.number));
      },
      onRequest(listener) {
        connection.onMessage((text) => {
          const request = readRequest(text);
          if (request) listener(request);
          else context.fail(streamErrors.unreadableRequest);
        });
      },
      keepAlive(milliseconds) {
        // ⚠ ws/README.md's ping example carries `"streamId": ""`; the simulator sends it the same way.
        connection.keepAlive(milliseconds, () => send({ ping: { time: timestamp(clock.now()), streamId: '' } }, { category: 'ping' }));
      },
      onClose: (listener) => connection.onClose(listener),
      readableAccount(accountId) {
        const account = simulator.state.accounts.find((candidate) => candidate.id === accountId);
        return account !== undefined && account.accessLevel !== 'ACCOUNT_ACCESS_LEVEL_NO_ACCESS';
      },
      countSubscribe: (what) => server.countSubscribe(what),
    };
    return context;
  }

  return {
    server,
    get url() {
      return `${server.url}/ws`;
    },
    refuseNextOpens(count) {
      refusals += count;
    },
    revokeToken(token) {
      simulator.revokeToken(token);
      for (const entry of open.values()) if (entry.token === token) entry.fail(streamErrors.unauthenticated);
    },
    openStreams,
  };
}
