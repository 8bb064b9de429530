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
  /** Subscriptions one graphql-ws socket may hold at once. Default 100. */
  maxSubscriptionsPerSocket: integer(1, 10_000).default(100),
});

export type StreamsConfig = Readonly<z.output<typeof streamsSchema>>;
