import type { SimulatorClock } from '../../common/clock.js';
import type { MessageCategory, StreamConnection } from '../../common/websocket.js';
import type { TinkoffSimulator } from '../server.js';
import type { StreamError } from './protocol.js';

/**
 * What a stream method's handler gets for one open stream: the socket behind the bridge's
 * encoding, the simulator it reports on, and the stream's own settings.
 */

export type StreamMethod =
  | 'MarketDataStream'
  | 'MarketDataServerSideStream'
  | 'PortfolioStream'
  | 'PositionsStream'
  | 'OrderStateStream'
  | 'TradesStream';

export interface OutgoingOptions {
  category?: MessageCategory;
  subscription?: string;
  orderEvent?: boolean;
  time?: string;
}

export interface StreamSettings {
  /** A market-data stream without subscriptions is closed with 80004 after this long (streams.md §1.3: ~2 min). */
  idleCloseMilliseconds: number;
  /** At most one orderbook message per subscription per this interval (limits.md: 100 ms). */
  orderbookIntervalMilliseconds: number;
  /** Subscriptions per market-data stream (limits.md: 300). */
  subscriptionsPerStream: number;
}

export interface StreamContext {
  readonly connection: StreamConnection;
  readonly simulator: TinkoffSimulator;
  readonly method: StreamMethod;
  /** The open connection's id (the acks' `streamId`). */
  readonly streamId: string;
  readonly clock: SimulatorClock;
  readonly settings: StreamSettings;
  /** Sends a response message (a data message unless said otherwise), encoded as the client asked. */
  send(message: Record<string, unknown>, options?: OutgoingOptions): void;
  /** Ends the stream with a gRPC error (an rpcStatus frame, then the close). */
  fail(error: StreamError): void;
  /** Every request frame, field names in camelCase; an unreadable frame fails the stream. */
  onRequest(listener: (request: Record<string, unknown>) => void): void;
  /** Idle-only pings every `milliseconds`. */
  keepAlive(milliseconds: number): void;
  onClose(listener: () => void): void;
  /** Whether the stream's token may read this account (unknown and no-access accounts: no). */
  readableAccount(accountId: string): boolean;
  /** Counts a subscribe request at the simulator (`orderbook:<uid>`, `PortfolioStream:<account>`, …). */
  countSubscribe(what: string): void;
}

/** Server-streaming methods take their one request from the first frame (streams.md §1.1); later frames change nothing. */
export function onFirstRequest(context: StreamContext, listener: (request: Record<string, unknown>) => void): void {
  let taken = false;
  context.onRequest((request) => {
    if (taken) return;
    taken = true;
    listener(request);
  });
}
