import type { OperationsPage } from '../brokers/adapter.js';
import type { Operation } from '../domain.js';
import { shapeOf } from './fingerprint.js';

/**
 * Reading one window of an account's operations page by page, joining the pages at their seams.
 *
 * Where the broker can name a page that starts WITH a given row (T-Invest's per-row cursors,
 * ALOR's trade ids), the next page is asked to start with the last row already read, so
 * consecutive pages overlap by one row: a broker that skips the row at a seam (the T-Invest fault
 * behind issue 18) skips a row brokerql already has. The overlap is cut off the new page: the
 * longest run (up to three rows) at its head whose broker ids repeat the tail read so far — which
 * also takes care of a broker that repeats a row at a seam.
 *
 * A seam is ambiguous when the overlap asked for is not there by id but its head looks like the
 * tail (same type, time, instrument, quantity, payment): either the broker changed its ids between
 * the two pages, or it skipped the overlap row and the next row is its twin (two equal fees in the
 * same second). Nothing can tell the two apart in this read, so the read says so and the sync
 * reads the window again with other seams (sync.ts); rows are never dropped on a guess.
 */

/** One page of the window from `cursor` (none: the first). */
export type PageSource = (cursor: string | undefined) => Promise<OperationsPage>;

export interface WindowRead {
  operations: Operation[];
  /** Seams where the overlap could not be told from a twin (see above): the read should be repeated. */
  ambiguousSeams: number;
}

/** A window that never ends is a broker bug: stop after this many pages (a million rows at 1,000 a page). */
const maximumPages = 1000;
/** The longest repeated run looked for at a seam. */
const longestOverlap = 3;

export async function readWindow(source: PageSource): Promise<WindowRead> {
  const rows: Operation[] = [];
  let ambiguousSeams = 0;
  let cursor: string | undefined;
  let overlapAsked = false;
  for (let page = 0; page < maximumPages; page++) {
    const answer = await source(cursor);
    let fresh = answer.operations;
    if (page > 0) {
      const repeated = repeatedRun(rows, fresh, (left, right) => left.id === right.id);
      if (repeated === 0 && overlapAsked && repeatedRun(rows, fresh, (left, right) => shapeOf(left) === shapeOf(right)) > 0) ambiguousSeams += 1;
      fresh = fresh.slice(repeated);
    }
    rows.push(...fresh);
    if (!answer.nextCursor) break;
    const lastStart = answer.startCursors.at(-1);
    // Continue from the last row itself when the broker can say so and that moves forward.
    overlapAsked = typeof lastStart === 'string' && answer.operations.length >= 2 && lastStart !== cursor;
    cursor = overlapAsked ? (lastStart as string) : answer.nextCursor;
  }
  return { operations: rows, ambiguousSeams };
}

/** How many rows at the head of `next` repeat the last rows of `read` by `same` (0 when none do). */
export function repeatedRun(read: readonly Operation[], next: readonly Operation[], same: (left: Operation, right: Operation) => boolean): number {
  for (let length = Math.min(longestOverlap, read.length, next.length); length >= 1; length--) {
    let repeats = true;
    for (let index = 0; index < length && repeats; index++) repeats = same(read[read.length - length + index]!, next[index]!);
    if (repeats) return length;
  }
  return 0;
}
