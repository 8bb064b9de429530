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

export function statisticsLowerBound(accounts: StatisticsAccount[], now = new Date()): { cold: number; warm: number } {
  const of = (connection: string) => accounts.filter((account) => account.id.startsWith(`${connection}:`));
  const positions = (list: StatisticsAccount[]) => list.flatMap((account) => (account.portfolio?.positions ?? []).map((position) => position.instrument.id));

  // T-Invest v2: portfolio + positions + orders + operations per account; positions need metadata.
  const tbank = of('tbank');
  const tbankWarm = tbank.length * 4;
  const tbankCold = (tbank.length > 0 ? 1 : 0) + tbankWarm + distinct(positions(tbank));

  // Tinkoff v1: portfolio + currencies + orders + operations per account; every row needs metadata.
  const legacy = of('tinkoff-legacy');
  const legacyInstruments = [
    ...positions(legacy),
    ...legacy.flatMap((account) => (account.orders ?? []).map((order) => order.instrument.id)),
    ...legacy.flatMap((account) => (account.operations ?? []).flatMap((operation) => (operation.instrument ? [operation.instrument.id] : []))),
  ];
  const legacyWarm = legacy.length * 4;
  const legacyCold = (legacy.length > 0 ? 1 : 0) + legacyWarm + distinct(legacyInstruments);

  // ALOR: positions (securities and money) + orders + today's trades per portfolio, and past trades
  // 1000 a page. The summary holds only the valuation, which the query does not ask for.
  const alor = of('alor');
  const startOfToday = Date.parse(now.toISOString().slice(0, 10));
  const historyPages = alor.reduce(
    (sum, account) => sum + Math.max(1, Math.ceil((account.operations ?? []).filter((operation) => Date.parse(operation.date) < startOfToday).length / 1000)),
    0,
  );
  const alorWarm = alor.length * 3 + historyPages;
  const alorCold = (alor.length > 0 ? 1 : 0) + alorWarm + distinct(positions(alor));

  // InstaForex: one account; balance, open trades (shared by portfolio and orders), closed trades.
  const ifx = of('ifx');
  const ifxWarm = ifx.length * 3;
  const ifxCold = (ifx.length > 0 ? 1 : 0) + ifxWarm;

  return { cold: tbankCold + legacyCold + alorCold + ifxCold, warm: tbankWarm + legacyWarm + alorWarm + ifxWarm };
}
