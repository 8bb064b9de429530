import type DataLoader from 'dataloader';
import type { ViewerModel } from './auth/viewer.js';
import type { ConnectionDirectory, ConnectionModel } from './brokers/connection.js';
import { describeReceived } from './brokers/identifiers.js';
import { NotFoundError } from './errors.js';
import { parseScopedId } from './ids.js';
import type { AccountModel } from './resolvers/models.js';

/**
 * Viewer-scoped access: which connections and accounts a token may see. The one place that
 * decides it, used alike by the resolvers, trading and the v1 compat route. A token limited to
 * some accounts sees only those; every other account (and every connection it has none on)
 * does not exist for it, and gets the same answer as an id that really does not exist.
 */
export interface ViewerAccess {
  viewer: ViewerModel;
  connections: ConnectionDirectory;
  /** The request's account lists: one broker call per connection per request, kept across requests by the connection's cache. */
  loaders: { accounts: DataLoader<ConnectionModel, AccountModel[], string> };
}

export function canSeeAccount(viewer: ViewerModel, accountId: string): boolean {
  return viewer.accountIds === null || viewer.accountIds.includes(accountId);
}

/** Whether a token could see any account of this connection (so a broker call is worth making). */
export function canSeeConnection(viewer: ViewerModel, connectionId: string): boolean {
  return viewer.accountIds === null || viewer.accountIds.some((id) => id.startsWith(`${connectionId}:`));
}

/**
 * A connection the viewer may use: for a token limited to accounts, only the connections it has
 * an account on. Any other id, configured or not, gets the same NOT_FOUND, and the message names
 * nothing but the id asked for — neither which connections exist nor which brokers they are.
 */
export function requireConnection(access: ViewerAccess, id: string): ConnectionModel {
  const connection = access.connections.get(id);
  if (!connection || !canSeeConnection(access.viewer, connection.id)) throw new NotFoundError(`no connection ${describeReceived(id)}`);
  return connection;
}

/** Connections the viewer can see at least one account of; others are never called for this viewer. */
export function visibleConnections(access: ViewerAccess): ConnectionModel[] {
  return access.connections.list.filter((connection) => canSeeConnection(access.viewer, connection.id));
}

/** The accounts of one connection the viewer may see (none, without a call, for a connection it cannot). */
export async function connectionAccounts(access: ViewerAccess, connection: ConnectionModel): Promise<AccountModel[]> {
  if (!canSeeConnection(access.viewer, connection.id)) return [];
  const accounts = await access.loaders.accounts.load(connection);
  return accounts.filter((account) => canSeeAccount(access.viewer, account.id));
}

const noAccount = (accountId: string) => new NotFoundError(`no account ${describeReceived(accountId)}`);

/**
 * The connection of an account the viewer may see, without a broker call: what can be checked
 * before anything is sent (the broker's grammar for the rest of a mutation's input). A missing
 * and an out-of-scope account get the same answer.
 */
export function visibleAccountConnection(access: ViewerAccess, accountId: string): ConnectionModel {
  const { connectionId } = parseScopedId(accountId, 'account');
  const connection = access.connections.get(connectionId);
  if (!connection || !canSeeAccount(access.viewer, accountId)) throw noAccount(accountId);
  return connection;
}

/** An account the viewer may see; a missing and an out-of-scope account get the same answer. */
export async function findVisibleAccount(access: ViewerAccess, accountId: string): Promise<AccountModel> {
  // Scoping first: an account outside the token's scope costs no broker call.
  const connection = visibleAccountConnection(access, accountId);
  const accounts = await access.loaders.accounts.load(connection);
  const account = accounts.find((candidate) => candidate.id === accountId);
  if (!account) throw noAccount(accountId);
  return account;
}
