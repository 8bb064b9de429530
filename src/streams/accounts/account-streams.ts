import type { Money, Position } from '../../domain.js';
import type { BrokerqlError } from '../../errors.js';
import type { FeedObserver } from '../feed.js';
import type { StreamsConfig } from '../settings.js';
import type { OrderObservation } from './order-tracker.js';

/**
 * A broker's account streams (T-Invest: PortfolioStream, PositionsStream, OrderStateStream;
 * ALOR: its positions, summaries, orders and trades subscriptions on one /ws socket), as an
 * adapter opens them for its connection: one of each, covering every account of the
 * connection, so that however many clients follow however many accounts, brokerql holds one of
 * the user's few stream slots per kind (T-Invest: 2 portfolio and 2 positions streams per user,
 * all tokens together). The account feed (account-feed.ts) does everything else: first states
 * by REST, reconciling, polling when there is no stream.
 */

/** What a stream message changes of an account's portfolio; what it leaves out stays as it was. */
export interface PortfolioChange {
  /** Every position (the broker sent the whole list). */
  positions?: Position[] | undefined;
  valuation?: Money | null | undefined;
  /** Cash of the currencies listed (each row the currency's whole balance, blocked included); other currencies unchanged. */
  cash?: Money[] | undefined;
  asOf: string;
}

export interface AccountStreamSink {
  portfolio(brokerAccountId: string, change: PortfolioChange): void;
  order(brokerAccountId: string, observation: OrderObservation): void;
  /**
   * Every stream carries data (for the first time, or again after `interrupted`): what happened
   * while one was down was not heard, so states must be read again.
   */
  live(): void;
  interrupted(): void;
  /** The broker will not stream (T-Invest 80001: the user's stream slots are all in use; a refused credential): poll instead. */
  failed(error: BrokerqlError): void;
}

export interface AccountStreamOptions {
  /** Every account of the connection, by the broker's own id. */
  brokerAccountIds: string[];
  sink: AccountStreamSink;
  settings: Pick<StreamsConfig, 'silenceMs' | 'unavailableAfterMs'>;
  observer?: FeedObserver | undefined;
}

export interface AccountStreams {
  /** Every stream open and carrying data. */
  readonly live: boolean;
  /** Sockets open now. */
  readonly sockets: number;
  readonly reconnects: number;
  readonly lastMessageAt: number | undefined;
  close(): void;
}
