import type { PositionResolvers } from '../generated/graphql.js';
import { positionLastPrice, positionMarketValue } from '../valuation/position-value.js';

export const Position: PositionResolvers = {
  currentPrice: (position, _arguments, context) => position.currentPrice ?? positionLastPrice(position, context),
  marketValue: (position, _arguments, context) => positionMarketValue(position, context),
};
