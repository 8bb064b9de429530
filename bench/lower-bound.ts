import type { BrokerKind } from '../src/brokers/registry.js';

/**
 * The fewest broker calls the statistics query can cost, derived from its own answer: one call
 * per account for each account-level resource, one lookup per distinct instrument whose metadata
 * the rows do not carry, and the logins and account lists that a warm gateway has cached.
 * The per-broker reasoning is spelled out in test/batching.test.ts, which checks every route.
 */
export interface StatisticsAccount {
  id: string;
  portfolio: { positions: Array<{ instrument: { id: string } }> } | null;
  orders: Array<{ instrument: { id: string } }> | null;
  operations: Array<{ date: string; instrument: { id: string } | null }> | null;
}

export const statisticsQuery = `{
  accounts {
    id
    portfolio { positions { quantity instrument { id ticker name lotSize } } cash { amount currency } }
    orders { id instrument { id ticker } }
    operations(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { type date payment { amount } instrument { id ticker } }
  }
}`;

const distinct = (ids: string[]) => new Set(ids).size;
const positions = (list: StatisticsAccount[]) => list.flatMap((account) => (account.portfolio?.positions ?? []).map((position) => position.instrument.id));

interface Calls {
  cold: number;
  warm: number;
}

/**
 * Per broker, the fewest calls for one connection's accounts (all of them non-empty lists: a
 * connection without accounts costs only its account list, counted by the caller). Keyed by
 * broker kind, so a new broker in the registry does not build until its bound is written here.
 */
const lowerBounds: Record<BrokerKind, (accounts: StatisticsAccount[], now: Date) => Calls> = {
  // T-Invest v2: portfolio + positions + orders + operations per account; positions need metadata.
  tinkoff: (accounts) => {
    const warm = accounts.length * 4;
    return { cold: 1 + warm + distinct(positions(accounts)), warm };
  },

  // Tinkoff v1: portfolio + currencies + orders + operations per account; every row needs metadata.
  'tinkoff-v1': (accounts) => {
    const instruments = [
      ...positions(accounts),
      ...accounts.flatMap((account) => (account.orders ?? []).map((order) => order.instrument.id)),
      ...accounts.flatMap((account) => (account.operations ?? []).flatMap((operation) => (operation.instrument ? [operation.instrument.id] : []))),
    ];
    const warm = accounts.length * 4;
    return { cold: 1 + warm + distinct(instruments), warm };
  },

  // ALOR: positions (securities and money) + orders + today's trades per portfolio, and past trades
  // 1000 a page. The summary holds only the valuation, which the query does not ask for.
  alor: (accounts, now) => {
    const startOfToday = Date.parse(now.toISOString().slice(0, 10));
    const historyPages = accounts.reduce(
      (sum, account) => sum + Math.max(1, Math.ceil((account.operations ?? []).filter((operation) => Date.parse(operation.date) < startOfToday).length / 1000)),
      0,
    );
    const warm = accounts.length * 3 + historyPages;
    return { cold: 1 + warm + distinct(positions(accounts)), warm };
  },

  // InstaForex: one account; balance, open trades (shared by portfolio and orders), closed trades.
  instaforex: (accounts) => {
    const warm = accounts.length * 3;
    return { cold: 1 + warm, warm };
  },
};

/** `connections`: the config's connection entries (id and broker), whose accounts the answer lists by id. */
export function statisticsLowerBound(
  accounts: StatisticsAccount[],
  connections: ReadonlyArray<{ id: string; broker: string }>,
  now = new Date(),
): Calls {
  let cold = 0;
  let warm = 0;
  for (const connection of connections) {
    const own = accounts.filter((account) => account.id.startsWith(`${connection.id}:`));
    if (own.length === 0) continue;
    const bound = (lowerBounds as Record<string, (typeof lowerBounds)[BrokerKind] | undefined>)[connection.broker];
    if (!bound) throw new Error(`no lower bound for broker "${connection.broker}" (bench/lower-bound.ts)`);
    const calls = bound(own, now);
    cold += calls.cold;
    warm += calls.warm;
  }
  return { cold, warm };
}
