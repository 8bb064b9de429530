import type { ViewerResolvers } from '../generated/graphql.js';
import { listVisibleAccounts } from './shared.js';

export const Viewer: ViewerResolvers = {
  accounts: (_viewer, _arguments, context, info) => listVisibleAccounts(context, info),
};
