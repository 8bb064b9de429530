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
  /** Keyed by the loader's instrument ref key (a key, FIGI or symbol ref). */
  instruments: ObservedCache<string, InstrumentInfo> | undefined;
  accounts: ObservedCache<'accounts', BrokerAccount[]> | undefined;
}

export type CacheLookupObserver = (cache: 'instruments' | 'accounts', hit: boolean) => void;

/** An LRU cache that reports hits and misses (for metrics). */
export class ObservedCache<Key extends string, Value extends object> {
  private readonly cache: LRUCache<Key, Value>;

  constructor(
    private readonly name: 'instruments' | 'accounts',
    options: { max: number; ttlMilliseconds: number },
    private readonly observe: CacheLookupObserver | undefined,
  ) {
    this.cache = new LRUCache<Key, Value>({ max: options.max, ttl: options.ttlMilliseconds });
  }

  get(key: Key): Value | undefined {
    const value = this.cache.get(key);
    this.observe?.(this.name, value !== undefined);
    return value;
  }

  set(key: Key, value: Value): void {
    this.cache.set(key, value);
  }
}

export function createConnectionCaches(config: CacheConfig | undefined, observe?: CacheLookupObserver): ConnectionCaches {
  return {
    instruments:
      config && config.instrumentsTtlSeconds > 0
        ? new ObservedCache('instruments', { max: config.maxInstruments, ttlMilliseconds: config.instrumentsTtlSeconds * 1000 }, observe)
        : undefined,
    accounts:
      config && config.accountsTtlSeconds > 0
        ? new ObservedCache('accounts', { max: 1, ttlMilliseconds: config.accountsTtlSeconds * 1000 }, observe)
        : undefined,
  };
}
