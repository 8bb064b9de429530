import type { ObservedCache } from '../../cache.js';
import { NotFoundError } from '../../errors.js';
import type { AlorClient } from './client.js';
import { alorExchange, alorSymbol } from './identifiers.js';
import { alorInstrumentKey, type AlorInstrumentAddress, type AlorListedAddress } from './instrument-ref.js';
import { mapAlorSecurity, type AlorSecurity } from './map-alor-instrument.js';
import type { AlorPaths } from './paths.js';
import { alorRoutes } from './routes.js';
import { securitySchema } from './wire.js';

/**
 * ALOR's position, order and trade rows carry no currency or price step, so the adapter reads them
 * from /md/v2/Securities/{exchange}/{symbol}: once per security while the connection's instrument
 * cache (config `cache`) keeps it, shared by concurrent callers. Only answers are kept: a failed
 * lookup is asked again next time. Without a cache every lookup goes to ALOR.
 */
export class SecurityDirectory {
  private readonly pending = new Map<string, Promise<AlorSecurity>>();

  constructor(
    private readonly client: AlorClient,
    private readonly paths: AlorPaths,
    private readonly cache: ObservedCache<string, AlorSecurity> | undefined,
  ) {}

  /** Throws NotFoundError when ALOR does not know the security. */
  get(address: AlorInstrumentAddress): Promise<AlorSecurity> {
    const { cache } = this;
    if (!cache) return this.fetch(address);
    const key = alorInstrumentKey(address);
    const cached = cache.get(key);
    if (cached) return Promise.resolve(cached);
    const asked = this.pending.get(key);
    if (asked) return asked;
    const security = this.fetch(address)
      .then((found) => {
        cache.set(key, found);
        return found;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, security);
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
