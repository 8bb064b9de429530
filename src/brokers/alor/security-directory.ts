import { LRUCache } from 'lru-cache';
import { NotFoundError } from '../../errors.js';
import type { AlorClient } from './client.js';
import { alorExchange, alorSymbol } from './identifiers.js';
import { alorInstrumentKey, type AlorInstrumentAddress, type AlorListedAddress } from './instrument-ref.js';
import { mapAlorSecurity, type AlorSecurity } from './map-alor-instrument.js';
import type { AlorPaths } from './paths.js';
import { alorRoutes } from './routes.js';
import { securitySchema } from './wire.js';

/** A security's lot size, step and currency change rarely; an hour-old answer is good enough. */
const cacheMilliseconds = 60 * 60 * 1000;
/** Far more securities than one client holds or trades, and a bound on what lookups can fill. */
const maximumEntries = 5_000;

/**
 * ALOR's position, order and trade rows carry no currency or price step, so the adapter reads them
 * from /md/v2/Securities/{exchange}/{symbol} — once per security per hour, shared by concurrent
 * callers, in a bounded LRU. Only answers are kept: a failed lookup is asked again next time.
 */
export class SecurityDirectory {
  private readonly entries = new LRUCache<string, { expiresAt: number; security: Promise<AlorSecurity> }>({ max: maximumEntries });

  constructor(
    private readonly client: AlorClient,
    private readonly paths: AlorPaths,
    private readonly now: () => number = Date.now,
    /** False only in the benchmark's naive mode: every lookup goes to ALOR. */
    private readonly caching = true,
  ) {}

  /** Throws NotFoundError when ALOR does not know the security. */
  get(address: AlorInstrumentAddress): Promise<AlorSecurity> {
    if (!this.caching) return this.fetch(address);
    const key = alorInstrumentKey(address);
    const cached = this.entries.get(key);
    if (cached && this.now() < cached.expiresAt) return cached.security;
    const security = this.fetch(address);
    this.entries.set(key, { expiresAt: this.now() + cacheMilliseconds, security });
    security.catch(() => {
      if (this.entries.get(key)?.security === security) this.entries.delete(key);
    });
    return security;
  }

  /** Like `get`, but null for a security ALOR does not know (a delisted one still in old trades). */
  async find(address: AlorInstrumentAddress): Promise<AlorSecurity | null> {
    try {
      return await this.get(address);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /**
   * `find` for several securities at once, by key, as ALOR's own rows name them. A row whose
   * exchange or symbol is outside ALOR's grammar is not looked up (it goes into no path): null.
   */
  async findAll(addresses: AlorListedAddress[]): Promise<Map<string, AlorSecurity | null>> {
    const unique = new Map(addresses.map((address) => [alorInstrumentKey(address), address]));
    const found = await Promise.all(
      [...unique].map(async ([key, { exchange, symbol }]) => {
        const checked = { exchange: alorExchange.read(exchange), symbol: alorSymbol.read(symbol) };
        const security = checked.exchange && checked.symbol ? await this.find({ exchange: checked.exchange, symbol: checked.symbol }) : null;
        return [key, security] as const;
      }),
    );
    return new Map(found);
  }

  private async fetch(address: AlorInstrumentAddress): Promise<AlorSecurity> {
    // No caller's signal: the answer is shared with every caller asking for the same security.
    const security = await this.client.get(
      { path: this.paths.security(address), route: alorRoutes.security, subject: `security ${alorInstrumentKey(address)}` },
      securitySchema,
    );
    return mapAlorSecurity(security);
  }
}
