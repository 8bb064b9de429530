import { LRUCache } from 'lru-cache';
import type { CacheConfig } from './config.js';
import type { BrokerAccount, InstrumentInfo } from './domain.js';

/**
 * What brokerql remembers across requests, per connection: instrument metadata for hours and
 * the account list for a minute. Nothing else — portfolios, orders and operations are always
 * fetched fresh. Bounded LRU caches; a TTL of 0 in the config turns one off. Token scoping is
 * applied to what comes out of them, so a cache never shows one token another's accounts.
 */
export interface ConnectionCaches {
  /** Keyed by the loader's instrument cache key (a key, FIGI or symbol ref). */
  instruments: LRUCache<string, InstrumentInfo> | undefined;
  accounts: LRUCache<'accounts', BrokerAccount[]> | undefined;
}

export function createConnectionCaches(config: CacheConfig | undefined): ConnectionCaches {
  return {
    instruments:
      config && config.instrumentsTtlSeconds > 0
        ? new LRUCache<string, InstrumentInfo>({ max: config.maxInstruments, ttl: config.instrumentsTtlSeconds * 1000 })
        : undefined,
    accounts:
      config && config.accountsTtlSeconds > 0
        ? new LRUCache<'accounts', BrokerAccount[]>({ max: 1, ttl: config.accountsTtlSeconds * 1000 })
        : undefined,
  };
}
