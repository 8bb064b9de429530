import type { GraphQLResolveInfo } from 'graphql';
import { connectionAccounts, visibleConnections } from '../access.js';
import type { GatewayContext } from '../context.js';
import { BadUserInputError } from '../errors.js';
import type { AccountModel } from './models.js';

/** Lookups several resolvers share. Resolvers stay thin: they call these, access.ts and the loaders. */

/**
 * Every visible account across connections. A failing connection does not fail the list: its
 * error is added to the response (path of this field, extensions.connection) and the other
 * connections' accounts are returned.
 */
export async function listVisibleAccounts(context: GatewayContext, info: GraphQLResolveInfo): Promise<AccountModel[]> {
  const results = await Promise.allSettled(visibleConnections(context).map((connection) => connectionAccounts(context, connection)));
  const accounts: AccountModel[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') accounts.push(...result.value);
    else context.partialErrors.add(result.reason instanceof Error ? result.reason : new Error(String(result.reason)), info);
  }
  return accounts;
}

export function validateOrderbookDepth(depth: number): number {
  if (!Number.isInteger(depth) || depth < 1 || depth > 50) {
    throw new BadUserInputError(`depth must be a whole number from 1 to 50, received ${depth}`);
  }
  return depth;
}
