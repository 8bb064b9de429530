import type { SyncProgress } from '../journal/sync.js';
import { printable } from './table.js';

/**
 * How `brokerql sync` shows an account's progress: on a terminal one line per account, redrawn in
 * place with a bar; elsewhere (a log file, a pipe) a plain line whenever the phase changes or a
 * tenth of the backfill more is done, so the output stays short and greppable.
 */
export class ProgressDisplay {
  private lastPlain = new Map<string, string>();

  constructor(
    private readonly output: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly barWidth = 24,
  ) {}

  update(progress: SyncProgress): void {
    if (this.output.isTTY) {
      const done = progress.phase === 'done' || progress.phase === 'failed' || progress.phase === 'busy' || progress.phase === 'unsupported';
      this.output.write(`\r\u001b[2K${this.line(progress, true)}${done ? '\n' : ''}`);
      return;
    }
    const key = `${progress.phase}|${Math.floor((10 * progress.windowsDone) / Math.max(1, progress.windowsTotal))}`;
    if (this.lastPlain.get(progress.accountId) === key) return;
    this.lastPlain.set(progress.accountId, key);
    this.output.write(`${this.line(progress, false)}\n`);
  }

  private line(progress: SyncProgress, withBar: boolean): string {
    const account = printable(progress.accountId);
    const fraction = progress.windowsTotal === 0 ? 0 : progress.windowsDone / progress.windowsTotal;
    const counts = `${progress.windowsDone}/${progress.windowsTotal} windows, ${progress.operations} operations, ${progress.brokerCalls} broker calls`;
    const bar = withBar ? `[${'#'.repeat(Math.round(fraction * this.barWidth)).padEnd(this.barWidth, '-')}] ${String(Math.round(fraction * 100)).padStart(3)}%  ` : '';
    switch (progress.phase) {
      case 'backfill':
        return `${account}  ${bar}backfill: ${counts}`;
      case 'tail':
        return `${account}  ${bar}reading what is new: ${counts}`;
      case 'done':
        return `${account}  ${bar}synced: ${counts}`;
      case 'busy':
        return `${account}  being synced by another brokerql process (see brokerql sync --status)`;
      case 'unsupported':
        return `${account}  its broker has no operations history`;
      case 'failed':
        return `${account}  FAILED after ${counts}: ${printable(progress.error ?? 'unknown error')} (the next sync continues where this one stopped)`;
    }
  }
}
