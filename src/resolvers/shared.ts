import type { GraphQLResolveInfo } from 'graphql';
import { canSeeAccount, canSeeConnection } from '../access.js';
import type { GatewayContext } from '../context.js';
import type { BrokerKind, InstrumentRef } from '../domain.js';
import { BadUserInputError, NotFoundError } from '../errors.js';
import type { Broker, InstrumentRef as InstrumentRefInput } from '../generated/graphql.js';
import { describeReceived } from '../brokers/identifiers.js';
import { parseScopedId } from '../ids.js';
import type { AccountModel, ConnectionModel } from '../models.js';

/** Lookups several resolvers share. Resolvers stay thin: they call these and the loaders. */

const brokerEnums: Record<BrokerKind, Broker> = {
  tinkoff: 'TINKOFF',
  'tinkoff-v1': 'TINKOFF_V1',
  alor: 'ALOR',
  instaforex: 'INSTAFOREX',
};

export function brokerEnum(kind: BrokerKind): Broker {
  return brokerEnums[kind];
}

/**
 * A connection the viewer may use: for a token limited to accounts, only the connections it has
 * an account on. Any other id, configured or not, gets the same NOT_FOUND, and the message names
 * nothing but the id asked for — neither which connections exist nor which brokers they are.
 */
export function requireConnection(context: GatewayContext, id: string): ConnectionModel {
  const connection = context.connections.get(id);
  if (!connection || !canSeeConnection(context.viewer, connection.id)) throw new NotFoundError(`no connection ${describeReceived(id)}`);
  return connection;
}

/** Connections the viewer can see at least one account of; others are never called for this viewer. */
export function visibleConnections(context: GatewayContext): ConnectionModel[] {
  return context.connections.list.filter((connection) => canSeeConnection(context.viewer, connection.id));
}

export async function connectionAccounts(context: GatewayContext, connection: ConnectionModel): Promise<AccountModel[]> {
  if (!canSeeConnection(context.viewer, connection.id)) return [];
  const accounts = await context.loaders.accounts.load(connection);
  return accounts.filter((account) => canSeeAccount(context.viewer, account.id));
}

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

const noAccount = (accountId: string) => new NotFoundError(`no account ${describeReceived(accountId)}`);

/**
 * The connection of an account the viewer may see, without a broker call: what can be checked
 * before anything is sent (the broker's grammar for the rest of a mutation's input). A missing
 * and an out-of-scope account get the same answer.
 */
export function visibleAccountConnection(context: GatewayContext, accountId: string): ConnectionModel {
  const { connectionId } = parseScopedId(accountId, 'account');
  const connection = context.connections.get(connectionId);
  if (!connection || !canSeeAccount(context.viewer, accountId)) throw noAccount(accountId);
  return connection;
}

/** An account the viewer may see; a missing and an out-of-scope account get the same answer. */
export async function findVisibleAccount(context: GatewayContext, accountId: string): Promise<AccountModel> {
  // Scoping first: an account outside the token's scope costs no broker call.
  const connection = visibleAccountConnection(context, accountId);
  const accounts = await context.loaders.accounts.load(connection);
  const account = accounts.find((candidate) => candidate.id === accountId);
  if (!account) throw noAccount(accountId);
  return account;
}

/**
 * Turns the InstrumentRef input into what an adapter understands, checking that it names this
 * connection and that every part fits the broker's grammar — before anything is sent.
 */
export function instrumentRefFromInput(connection: ConnectionModel, input: InstrumentRefInput): InstrumentRef {
  let ref: InstrumentRef;
  if (input.id != null) {
    const { connectionId, brokerId } = parseScopedId(input.id, 'instrument');
    if (connectionId !== connection.id) {
      throw new BadUserInputError(`instrument ${describeReceived(input.id)} belongs to connection ${describeReceived(connectionId)}, not "${connection.id}"`);
    }
    ref = { key: brokerId };
  } else if (input.figi == null && input.symbol == null) {
    throw new BadUserInputError('InstrumentRef needs one of: id, figi, or symbol (with exchange where the broker needs it)');
  } else {
    ref = { figi: input.figi ?? undefined, symbol: input.symbol ?? undefined, exchange: input.exchange ?? undefined };
  }
  connection.adapter.identifiers.checkInstrumentRef(ref);
  return ref;
}

export function validateOrderbookDepth(depth: number): number {
  if (!Number.isInteger(depth) || depth < 1 || depth > 50) {
    throw new BadUserInputError(`depth must be a whole number from 1 to 50, received ${depth}`);
  }
  return depth;
}
