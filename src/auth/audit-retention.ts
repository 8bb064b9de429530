import type { Logger } from '../logger.js';
import type { AuditLog } from './audit-log.js';

export interface AuditRetentionOptions {
  audit: AuditLog;
  /** audit.retentionDays; 0 keeps every row. */
  retentionDays: number;
  logger: Logger;
  /** Told how many rows each prune removed (tests). */
  onPruned?: ((count: number) => void) | undefined;
}

const day = 86_400_000;

/**
 * Keeps the audit log to its retention: rows older than `retentionDays` are deleted when the
 * gateway starts and once a day after. Returns the function that stops it.
 */
export function startAuditRetention({ audit, retentionDays, logger, onPruned }: AuditRetentionOptions): () => void {
  if (retentionDays === 0) return () => undefined;
  const prune = () =>
    audit
      .prune(new Date(Date.now() - retentionDays * day))
      .then((count) => {
        if (count > 0) logger.info({ rows: count, retentionDays }, 'audit log: removed rows past their retention');
        onPruned?.(count);
      })
      .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'audit log: pruning failed; will try again tomorrow'));
  void prune();
  const timer = setInterval(() => void prune(), day);
  // A daily chore must not keep a stopping process alive.
  timer.unref();
  return () => clearInterval(timer);
}
