import DataLoader from 'dataloader';
import type { PortfolioParts } from './brokers/adapter.js';
import type { AccountModel, PortfolioModel } from './resolvers/models.js';

/**
 * Portfolios by account and by the parts a query selects (`portfolio { positions }` needs no
 * cash, so T-Invest is spared GetPositions). Asks for one account within one tick are merged
 * into one call for the union of their parts; a later ask is answered by an earlier call that
 * covered its parts, and makes its own call otherwise. Calls are shared across requests below
 * this (see `sharedPortfolio`), keyed by the parts too, so a call for cash never answers an ask
 * for positions.
 */
export interface PortfolioLoader {
  load(account: AccountModel, parts: PortfolioParts): Promise<PortfolioModel>;
}

interface PortfolioKey {
  account: AccountModel;
  parts: PortfolioParts;
}

type Fetch = (account: AccountModel, parts: PortfolioParts) => Promise<PortfolioModel>;

const partNames = ['positions', 'cash', 'valuation'] as const;

/** A stable name for a set of parts, e.g. "positions+cash". */
export function portfolioPartsKey(parts: PortfolioParts): string {
  return partNames.filter((name) => parts[name]).join('+');
}

const coveringKeys = new Map<string, readonly string[]>();

/** Every set of parts whose answer also answers `parts` (itself first), by key. There are only eight sets: each answer is kept. */
export function coveringPartsKeys(parts: PortfolioParts): readonly string[] {
  const own = portfolioPartsKey(parts);
  let keys = coveringKeys.get(own);
  if (!keys) coveringKeys.set(own, (keys = listCoveringPartsKeys(parts)));
  return keys;
}

function listCoveringPartsKeys(parts: PortfolioParts): string[] {
  const keys: string[] = [];
  for (let mask = 0; mask < 1 << partNames.length; mask++) {
    const candidate = Object.fromEntries(partNames.map((name, index) => [name, Boolean(mask & (1 << index))])) as unknown as PortfolioParts;
    if (covers(candidate, parts)) keys.push(portfolioPartsKey(candidate));
  }
  const own = portfolioPartsKey(parts);
  return [own, ...keys.filter((key) => key !== own)];
}

function covers(answer: PortfolioParts, asked: PortfolioParts): boolean {
  return partNames.every((name) => answer[name] || !asked[name]);
}

function union(parts: PortfolioParts[]): PortfolioParts {
  return { positions: parts.some((part) => part.positions), cash: parts.some((part) => part.cash), valuation: parts.some((part) => part.valuation) };
}

export function createPortfolioLoader(fetch: Fetch): PortfolioLoader {
  const batches = new DataLoader<PortfolioKey, PortfolioModel>(
    async (keys) => {
      const byAccount = new Map<string, PortfolioKey[]>();
      for (const key of keys) byAccount.set(key.account.id, [...(byAccount.get(key.account.id) ?? []), key]);
      const answers = new Map<string, Promise<PortfolioModel | Error>>();
      for (const [accountId, group] of byAccount) {
        const parts = union(group.map((key) => key.parts));
        answers.set(accountId, fetch(group[0]!.account, parts).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
      }
      return Promise.all(keys.map((key) => answers.get(key.account.id)!));
    },
    // Keys are merged by account above; DataLoader's own cache cannot see that one set of parts covers another.
    { cache: false },
  );
  const asked = new Map<string, Array<{ parts: PortfolioParts; portfolio: Promise<PortfolioModel> }>>();

  return {
    load(account, parts) {
      const earlier = asked.get(account.id);
      const covering = earlier?.find((entry) => covers(entry.parts, parts));
      if (covering) return covering.portfolio;
      const portfolio = batches.load({ account, parts });
      if (earlier) earlier.push({ parts, portfolio });
      else asked.set(account.id, [{ parts, portfolio }]);
      return portfolio;
    },
  };
}
