import { NotSupportedError } from '../errors.js';
import type { NetWorthResolvers, QueryResolvers } from '../generated/graphql.js';
import { computeNetWorth, type NetWorthModel } from '../valuation/net-worth.js';
import { computeNetWorthHistory } from '../valuation/net-worth-history.js';

export const NetWorthQuery: Pick<QueryResolvers, 'netWorth' | 'netWorthHistory'> = {
  async netWorth(_parent, { currency }, context) {
    const netWorth = await computeNetWorth(context, currency);
    // Recorded as computed, for netWorthHistory: the only source of values over time.
    context.history.values.record(netWorth.total.currency, netWorth.recordable);
    return netWorth;
  },
  netWorthHistory: (_parent, args, context) => computeNetWorthHistory(context, args, context.history.values.now),
};

export const NetWorth: NetWorthResolvers = {
  // What is short marks the total itself (an error on its path, as partial results do): a client
  // that reads only the number still learns that it is lower than what is held. The brokers that
  // failed say so in their own errors; holdings brokerql could not value (no price, no rate) in one.
  total(netWorth, _arguments, context, info) {
    for (const failure of netWorth.failures) context.partialErrors.add(failure, info);
    const unvalued = unvaluedHoldings(netWorth);
    if (unvalued !== undefined) context.partialErrors.add(unvalued, info);
    return netWorth.total;
  },
};

function unvaluedHoldings(netWorth: NetWorthModel): NotSupportedError | undefined {
  if (netWorth.failures.length > 0 || netWorth.missing.length === 0) return undefined;
  const count = netWorth.missing.length;
  return new NotSupportedError(
    `the total leaves out ${count} holding${count === 1 ? '' : 's'} brokerql could not value in ${netWorth.total.currency} (listed in missing), the first: ${netWorth.missing[0]!.reason}`,
  );
}
