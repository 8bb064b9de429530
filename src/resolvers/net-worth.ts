import type { NetWorthResolvers, QueryResolvers } from '../generated/graphql.js';
import { computeNetWorth } from '../valuation/net-worth.js';

export const NetWorthQuery: Pick<QueryResolvers, 'netWorth'> = {
  netWorth: (_parent, { currency }, context) => computeNetWorth(context, currency),
};

export const NetWorth: NetWorthResolvers = {
  // The brokers that failed mark the total itself (an error on its path, as partial results do):
  // a client that reads only the number still learns that it is short.
  total(netWorth, _arguments, context, info) {
    for (const failure of netWorth.failures) context.partialErrors.add(failure, info);
    return netWorth.total;
  },
};
