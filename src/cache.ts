import { LRUCache } from 'lru-cache';
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
  /**
   * A cache for what an adapter must look up about an instrument beyond InstrumentInfo (ALOR's
   * price step value for the money of its rows), under the same limits as `instruments`;
   * undefined while instrument caching is off. Each call makes a new one: ask once.
   */
  instrumentDetails<Value extends object>(): ObservedCache<string, Value> | undefined;
}

/**
 * The config's `cache` section, as config.ts validates it (its defaults are documented there).
 * Declared here, where it is read, so that the caches do not depend on config.ts, which depends
 * on every broker through the registry.
 */
export interface CacheConfig {
  readonly instrumentsTtlSeconds: number;
  readonly accountsTtlSeconds: number;
  readonly maxInstruments: number;
  /** Portfolio queries answered from live account streams (streams/accounts/). */
  readonly liveAccounts: boolean;
}

export type CacheName = 'instruments' | 'accounts';
export type CacheLookupObserver = (cache: CacheName, hit: boolean) => void;

/** An LRU cache that reports hits and misses (for metrics). */
export class ObservedCache<Key extends string, Value extends object> {
  private readonly cache: LRUCache<Key, Value>;

  constructor(
    private readonly name: CacheName,
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

  delete(key: Key): void {
    this.cache.delete(key);
  }
}

export function createConnectionCaches(config: CacheConfig | undefined, observe?: CacheLookupObserver): ConnectionCaches {
  const instrumentLimits =
    config && config.instrumentsTtlSeconds > 0 ? { max: config.maxInstruments, ttlMilliseconds: config.instrumentsTtlSeconds * 1000 } : undefined;
  return {
    instruments: instrumentLimits ? new ObservedCache('instruments', instrumentLimits, observe) : undefined,
    accounts:
      config && config.accountsTtlSeconds > 0
        ? new ObservedCache('accounts', { max: 1, ttlMilliseconds: config.accountsTtlSeconds * 1000 }, observe)
        : undefined,
    // Not reported: the metrics count lookups of the loaders' own caches.
    instrumentDetails: () => (instrumentLimits ? new ObservedCache('instruments', instrumentLimits, undefined) : undefined),
  };
}
