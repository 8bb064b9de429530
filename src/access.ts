import type { ViewerModel } from './models.js';

/** A token limited to some accounts sees only those; every other account does not exist for it. */
export function canSeeAccount(viewer: ViewerModel, accountId: string): boolean {
  return viewer.accountIds === null || viewer.accountIds.includes(accountId);
}

/** Whether a token could see any account of this connection (so a broker call is worth making). */
export function canSeeConnection(viewer: ViewerModel, connectionId: string): boolean {
  return viewer.accountIds === null || viewer.accountIds.some((id) => id.startsWith(`${connectionId}:`));
}
