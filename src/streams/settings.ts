import { z } from 'zod';
import { integer } from '../config-values.js';

/**
 * The config's `streams` section: how live subscriptions share, heal and end (README, "Live
 * data"). Validated by config.ts with the rest of the file; every default is said here and there.
 */
export const streamsSchema = z.strictObject({
  /**
   * After the last client of an upstream subscription leaves, the subscription is kept this long,
   * so a client that reconnects (a page reload) finds it warm. Default 10 s; at most 30 s.
   */
  graceMs: integer(0, 30_000).default(10_000),
  /**
   * A broker that cannot be reached for this long ends the subscriptions it fed with
   * UPSTREAM_UNAVAILABLE (retryable); until then brokerql keeps reconnecting. Default 30 s.
   */
  unavailableAfterMs: integer(1_000, 600_000).default(30_000),
  /**
   * Open subscriptions re-read their token this often, so a token revoked or expired (by any
   * process sharing the data dir) ends them within it. Default 5 s; at most 10 s.
   */
  tokenCheckMs: integer(100, 10_000).default(5_000),
  /**
   * An upstream socket that sends nothing for this long is taken for dead and reconnected.
   * T-Invest pings only while a stream is idle, and is asked to ping every third of this (5 s at
   * least, its own minimum). Default 15 s.
   */
  silenceMs: integer(1_000, 540_000).default(15_000),
  /** Brokers without a stream (Tinkoff v1): each polled book is read at most this often. Default 1 s. */
  pollIntervalMs: integer(100, 60_000).default(1_000),
  /**
   * Upstream subscriptions one connection may hold (each book and each price feed is one,
   * however many clients share it). Past it, and past the broker's own limits, a new one is
   * RATE_LIMITED. Default 1,000.
   */
  maxUpstreamSubscriptions: integer(1, 100_000).default(1_000),
  /**
   * Live accounts where there is no account stream (Tinkoff v1, InstaForex) or the
   * broker refused one (T-Invest 80001): each followed account's orders and portfolio are read
   * this often. Default 3 s (T-Invest: 20 GetOrders a minute of its 200; the connection's own
   * quota still spaces the calls).
   */
  accountPollMs: integer(500, 600_000).default(3_000),
  /**
   * A working order the stream has said nothing about for this long is asked about (GetOrders,
   * then GetOrderState for one that left it), so a fill the stream lags or drops is still
   * reported within about this plus one call. Default 2 s.
   */
  reconcileAfterMs: integer(100, 60_000).default(2_000),
  /** A live portfolio is read again by REST this often, to check what the stream built. Default and most 60 s. */
  liveCheckMs: integer(1_000, 60_000).default(60_000),
  /** After the last query of an account that no client subscribes to, its live state and streams are kept this long. Default 5 minutes. */
  accountIdleMs: integer(0, 3_600_000).default(300_000),
  /** Subscriptions one graphql-ws socket may hold at once. Default 100. */
  maxSubscriptionsPerSocket: integer(1, 10_000).default(100),
});

export type StreamsConfig = Readonly<z.output<typeof streamsSchema>>;

/**
 * The shortest wait before stream frames are sent again with a renewed credential (ALOR's JWT): a
 * credential host that is down keeps handing out the old token, still due, and without a floor the
 * frames would be sent again at once, over and over.
 */
export const credentialRenewalFloorMilliseconds = 5_000;
