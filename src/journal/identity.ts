import type { Operation, OperationType } from '../domain.js';
import { fingerprintOf, instantKey, operationBody } from './fingerprint.js';

/**
 * How the journal decides which of its rows a broker's row is — the identity rules.
 *
 * Why not the broker's id: T-Invest says its operation ids "may change over time" and must not be
 * used as a primary key (tinvest-v2/operations_problems.md §1), and a fee's `parent_operation_id`
 * changes with its trade's id (operations.proto). Its cursor paging has dropped and repeated rows
 * at page seams (issue 18; `limit` below 3 "invites duplicated operations", §6); GetOperations
 * returns only the last thousand (faq_operations.md), so nothing can be re-read wholesale; and
 * after corporate actions the history may be incomplete and restated (§3).
 *
 * So a row's identity is its fingerprint (fingerprint.ts): what the operation IS — account, the
 * broker's type, the instant, the instrument, the quantity, the payment, the parent. The broker's
 * ids are kept as aliases. A row of a new read (one window read through, seams joined by
 * window-read.ts) is matched:
 *
 *  1. by a known broker id (any alias, old ones too) — so a row whose amounts or state the broker
 *     restates (a trade in progress that executes, a corrected tax) stays the same row. An alias
 *     counts only if the type and instrument agree, in case a broker reuses an old id for another
 *     operation;
 *  2. else by fingerprint, taking the journal's rows with that fingerprint in the order they were
 *     created — so changed ids, and rows a broker sends twice, land on the row that exists;
 *  3. else it is a new row.
 *
 * Two rows with the same fingerprint and different ids in ONE answer are two operations (two
 * equal fees in the same second): the k-th such row of an answer matches the k-th journal row with
 * that fingerprint (an occurrence index within the answer), and is created if there is none.
 *
 * A journal row that is not in a read that covered it (its instant strictly inside the window:
 * brokers differ on whether the ends are included) counts one miss; a row seen again is back to
 * none; at two misses in a row it is removed. One miss is never enough: a row dropped at a page
 * seam, or an answer cut short, must not delete anything — the sync confirms a first miss with a
 * second read of the window, paged differently (sync.ts).
 *
 * Parents are resolved before children: rows without a parent are matched first, then a child's
 * parent id is looked up among the ids matched in this read and the journal's aliases.
 */

/** A journal row as the merge sees it. */
export interface JournalEntry {
  rowId: number;
  stableId: string;
  brokerId: string;
  aliases: readonly string[];
  fingerprint: string;
  instant: string;
  type: OperationType;
  instrumentKey: string | null;
  body: string;
  missing: number;
}

export interface NewEntry {
  stableId: string;
  brokerId: string;
  aliases: string[];
  fingerprint: string;
  instant: string;
  type: OperationType;
  instrumentKey: string | null;
  body: string;
}

export interface EntryUpdate {
  rowId: number;
  stableId: string;
  brokerId: string;
  fingerprint: string;
  instant: string;
  body: string;
  newAliases: string[];
  /** Whether what a client sees changed (a restatement): it goes to the change log. */
  changed: boolean;
}

export interface MergePlan {
  inserts: NewEntry[];
  updates: EntryUpdate[];
  /** Rows the read did not return, with their new miss count (below the removal threshold). */
  missed: Array<{ rowId: number; stableId: string; missing: number }>;
  removals: Array<{ rowId: number; stableId: string }>;
}

export interface MergeInput {
  accountId: string;
  /** Instant keys of the window read: rows strictly between them are judged by this read. */
  window: { from: string; to: string };
  /** The journal's rows in the window, and any row an id of the read names. */
  existing: readonly JournalEntry[];
  /** The read, seams joined; the same broker id twice is one row (the later copy wins). */
  read: readonly Operation[];
  /** Whether a stable id is used by a row of this account outside `existing`. */
  stableIdTaken(stableId: string): boolean;
}

/** Misses in a row after which a journal row is removed. */
export const missesBeforeRemoval = 2;

interface Candidate {
  operation: Operation;
  instant: string;
  body: string;
  instrumentKey: string | null;
  fingerprint: string;
  entry: JournalEntry | NewEntry | undefined;
}

export function planMerge(input: MergeInput): MergePlan {
  const { accountId, existing } = input;
  const byAlias = new Map<string, JournalEntry>();
  for (const entry of existing) for (const alias of entry.aliases) byAlias.set(alias, entry);
  const matched = new Set<JournalEntry>();
  const plan: MergePlan = { inserts: [], updates: [], missed: [], removals: [] };
  const takenHere = new Set(existing.map((entry) => entry.stableId));
  /** Broker id → stable id, for the rows of this read already placed (a child's parent). */
  const placed = new Map<string, string>();

  const unique = new Map<string, Operation>();
  for (const operation of input.read) {
    unique.delete(operation.id);
    unique.set(operation.id, operation);
  }
  const rows = [...unique.values()];
  const roots = rows.filter((operation) => !operation.parentId);
  const children = rows.filter((operation) => operation.parentId);

  const place = (group: Operation[]) => {
    const candidates: Candidate[] = group.map((operation) => {
      const parent = operation.parentId ? (placed.get(operation.parentId) ?? byAlias.get(operation.parentId)?.stableId ?? `broker:${operation.parentId}`) : null;
      return {
        operation,
        instant: instantKey(operation.date),
        body: operationBody(operation),
        instrumentKey: operation.instrument?.key ?? null,
        fingerprint: fingerprintOf(accountId, operation, parent),
        entry: undefined,
      };
    });
    // 1. By a known broker id, for every row first: a row matched by its id must not be taken by
    //    another row's fingerprint.
    for (const candidate of candidates) {
      const entry = byAlias.get(candidate.operation.id);
      if (entry && !matched.has(entry) && entry.type === candidate.operation.type && entry.instrumentKey === candidate.instrumentKey) {
        matched.add(entry);
        candidate.entry = entry;
      }
    }
    // 2. By fingerprint: the k-th unmatched row of the read with it takes the k-th journal row.
    const pools = new Map<string, JournalEntry[]>();
    for (const entry of [...existing].sort((left, right) => left.rowId - right.rowId)) {
      if (matched.has(entry)) continue;
      const pool = pools.get(entry.fingerprint);
      if (pool) pool.push(entry);
      else pools.set(entry.fingerprint, [entry]);
    }
    for (const candidate of candidates) {
      if (candidate.entry) continue;
      const entry = pools.get(candidate.fingerprint)?.find((free) => !matched.has(free));
      if (entry) {
        matched.add(entry);
        candidate.entry = entry;
      }
    }
    // 3. The rest are new.
    for (const candidate of candidates) {
      const { operation } = candidate;
      if (candidate.entry && 'rowId' in candidate.entry) {
        const entry = candidate.entry;
        const newAliases = entry.aliases.includes(operation.id) ? [] : [operation.id];
        const changed = entry.body !== candidate.body;
        if (changed || newAliases.length > 0 || entry.missing > 0 || entry.fingerprint !== candidate.fingerprint || entry.brokerId !== operation.id) {
          plan.updates.push({
            rowId: entry.rowId,
            stableId: entry.stableId,
            brokerId: operation.id,
            fingerprint: candidate.fingerprint,
            instant: candidate.instant,
            body: candidate.body,
            newAliases,
            changed,
          });
        }
        placed.set(operation.id, entry.stableId);
        continue;
      }
      const stableId = allocateStableId(operation.id, (id) => takenHere.has(id) || input.stableIdTaken(id));
      takenHere.add(stableId);
      plan.inserts.push({
        stableId,
        brokerId: operation.id,
        aliases: [operation.id],
        fingerprint: candidate.fingerprint,
        instant: candidate.instant,
        type: operation.type,
        instrumentKey: candidate.instrumentKey,
        body: candidate.body,
      });
      placed.set(operation.id, stableId);
    }
  };
  place(roots);
  place(children);

  for (const entry of existing) {
    if (matched.has(entry) || !(entry.instant > input.window.from && entry.instant < input.window.to)) continue;
    const missing = entry.missing + 1;
    if (missing >= missesBeforeRemoval) plan.removals.push({ rowId: entry.rowId, stableId: entry.stableId });
    else plan.missed.push({ rowId: entry.rowId, stableId: entry.stableId, missing });
  }
  return plan;
}

/**
 * A new row's stable id: the broker's id at first sight, so that while a broker keeps its ids (most
 * do, most of the time) the journal's ids are the ones the broker and `Account.operations` show.
 * Should that id already name another row (the broker reused it), a suffix keeps them apart.
 */
export function allocateStableId(brokerId: string, taken: (stableId: string) => boolean): string {
  if (!taken(brokerId)) return brokerId;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${brokerId}~${suffix}`;
    if (!taken(candidate)) return candidate;
  }
}
