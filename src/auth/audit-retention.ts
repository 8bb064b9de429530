import type { Logger } from '../logger.js';
import { startRetention } from '../storage/retention.js';
import type { AuditLog } from './audit-log.js';

export interface AuditRetentionOptions {
  audit: AuditLog;
  /** audit.retentionDays; 0 keeps every row. */
  retentionDays: number;
  logger: Logger;
  /** Told how many rows each prune removed (tests). */
  onPruned?: ((count: number) => void) | undefined;
}

/**
 * Keeps the audit log to its retention: rows older than `retentionDays` are deleted when the
 * gateway starts and once a day after. Returns the function that stops it.
 */
export function startAuditRetention({ audit, retentionDays, logger, onPruned }: AuditRetentionOptions): () => void {
  return startRetention({ prune: (cutoff) => audit.prune(cutoff), retentionDays, logger, what: 'audit log', onPruned });
}
