import type { QueryResolvers, TokenPolicyResolvers, TokenUsageResolvers, ViewerResolvers } from '../generated/graphql.js';
import { previewOrder } from '../trading/preview.js';
import { tradingRequest } from '../trading/request.js';
import { haltedAccounts, tokenUsage } from '../trading/usage.js';

/** Trading guardrails in GraphQL: the order preview, and what the viewer's token may still do. */

export const GuardrailsQuery: Pick<QueryResolvers, 'orderPreview'> = {
  orderPreview: (_parent, { input }, context) => previewOrder(tradingRequest(context), input),
};

export const GuardrailsViewer: Pick<ViewerResolvers, 'policy' | 'usage' | 'halted' | 'haltedAccounts'> = {
  policy: (viewer) => viewer.policy ?? null,
  usage: (_viewer, _arguments, context) => tokenUsage(tradingRequest(context)),
  halted: (viewer, _arguments, context) => context.trading.guardrails.halts.haltsToken(viewer.tokenId),
  haltedAccounts: (_viewer, _arguments, context) => haltedAccounts(tradingRequest(context)),
};

export const TokenPolicy: TokenPolicyResolvers = {
  maxPositionLots: (policy) => (policy.maxPositionLots ? Object.entries(policy.maxPositionLots).map(([instrument, lots]) => ({ instrument, lots })) : null),
};

export const TokenUsage: TokenUsageResolvers = {
  openOrders: (usage) => usage.openOrders(),
};
