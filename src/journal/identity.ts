import type { Operation, OperationType } from '../domain.js';
import { fingerprintOf, instantKey, operationBody } from './fingerprint.js';

/**
 * How the journal decides which of its rows a broker's row is — the identity rules.
 *
 * Why not the broker's id: T-Invest says its operation ids "may change over time" and must not be
 * used as a primary key (tinvest-v2/operations_problems.md §1), and a fee's `parent_operation_id`
 * changes with its trade's id (operations.proto). Its cursor paging has dropped and repeated rows
 * at page seams (issue 18; a `limit` below 3 invites duplicates, §6); GetOperations returns only
 * the last thousand (faq_operations.md), so nothing can be re-read wholesale; and after corporate
 * actions the history may be incomplete and later restated (§3).
 *
 * So a row's identity is its fingerprint (fingerprint.ts): what the operation IS — account, the
 * broker's type, the instant, the instrument, the quantity, the payment, and its parent, given by
 * the parent's own fingerprint (a fee belongs to a trade of this content, whatever its ids are
 * today). The broker's ids are kept as aliases. A row of a new read (one window read through,
 * seams joined by window-read.ts) is matched:
 *
 *  1. by a known broker id (any alias, old ones too) — so a row whose amounts or state the broker
 *     restates (a trade in progress that executes, a corrected tax) stays the same row. An alias
 *     counts only if the type and instrument agree, in case a broker reuses an old id;
 *  2. else by fingerprint — so changed ids, and rows a broker sends twice, land on the row that
 *     exists. Two rows with one fingerprint and different ids in ONE answer are two operations
 *     (two equal fees in the same second): the k-th such row of an answer takes the k-th journal
 *     row with that fingerprint (an occurrence index within the answer); any order of twins is
 *     right, and rows already missed once go first, so a miss falls on a twin that has none yet;
 *  3. a child whose parent cannot be told (ids changed and the parent is not in this read) by
 *     everything but its parent, among child rows whose parent is not known to be in this read;
 *  4. else it is a new row.
 *
 * A journal row that is not in a read that covered it (its instant strictly inside the window:
 * brokers differ on whether the ends are included) counts one miss; a row seen again is back to
 * none; at two misses in a row it is removed. One miss is never enough: a row dropped at a page
 * seam, or an answer cut short, must not delete anything — the sync confirms a first miss with a
 * second read of the window, paged differently (sync.ts).
 */

/** A journal row as the merge sees it. */
export interface JournalEntry {
  rowId: number;
  stableId: string;
  brokerId: string;
  aliases: readonly string[];
  fingerprint: string;
  /** The fingerprint of the row this one belongs to (a fee's trade); null for none or unknown. */
  parentFingerprint: string | null;
  instant: string;
  type: OperationType;
  instrumentKey: string | null;
  body: string;
  missing: number;
}

export type NewEntry = Omit<JournalEntry, 'rowId' | 'missing'>;

export interface EntryUpdate {
  rowId: number;
  stableId: string;
  brokerId: string;
  fingerprint: string;
  parentFingerprint: string | null;
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
  /** The parent's fingerprint; undefined when the row has a parent the journal cannot tell. */
  parent: string | null | undefined;
  fingerprint: string;
  entry: JournalEntry | undefined;
}

export function planMerge(input: MergeInput): MergePlan {
  const { accountId, existing } = input;
  const plan: MergePlan = { inserts: [], updates: [], missed: [], removals: [] };
  const byAlias = new Map<string, JournalEntry>();
  for (const entry of existing) for (const alias of entry.aliases) byAlias.set(alias, entry);
  const matched = new Set<JournalEntry>();
  const takenIds = new Set(existing.map((entry) => entry.stableId));
  /** Broker id → fingerprint, for the rows of this read already placed (a child's parent). */
  const placed = new Map<string, string>();
  /** How many rows of this read have been placed with each fingerprint. */
  const placedCounts = new Map<string, number>();
  const journalCounts = new Map<string, number>();
  for (const entry of existing) journalCounts.set(entry.fingerprint, (journalCounts.get(entry.fingerprint) ?? 0) + 1);
  // Twins in any order; rows already missed once first (rule 2).
  const byPreference = [...existing].sort((left, right) => right.missing - left.missing || left.rowId - right.rowId);
  const looseOf = new Map<JournalEntry, string>();
  const loose = (entry: JournalEntry) => {
    let value = looseOf.get(entry);
    if (value === undefined) looseOf.set(entry, (value = fingerprintOf(accountId, { ...(JSON.parse(entry.body) as Operation), id: '' }, null)));
    return value;
  };

  const unique = new Map<string, Operation>();
  for (const operation of input.read) {
    unique.delete(operation.id);
    unique.set(operation.id, operation);
  }
  const rows = [...unique.values()];
  const inRead = new Set(rows.map((operation) => operation.id));

  const place = (group: Operation[]) => {
    const candidates: Candidate[] = group.map((operation) => {
      const parent = operation.parentId ? (placed.get(operation.parentId) ?? byAlias.get(operation.parentId)?.fingerprint) : null;
      const fingerprint = fingerprintOf(accountId, operation, parent === undefined ? `broker:${operation.parentId}` : parent);
      return { operation, parent, fingerprint, entry: undefined };
    });
    const take = (candidate: Candidate, entry: JournalEntry) => {
      matched.add(entry);
      candidate.entry = entry;
    };
    // 1. By a known broker id, for every row first: a row matched by its id must not be taken by
    //    another row's fingerprint.
    for (const candidate of candidates) {
      const { operation } = candidate;
      const entry = byAlias.get(operation.id);
      if (entry && !matched.has(entry) && entry.type === operation.type && entry.instrumentKey === (operation.instrument?.key ?? null)) take(candidate, entry);
    }
    // 2. By fingerprint.
    for (const candidate of candidates) {
      if (candidate.entry) continue;
      const entry = byPreference.find((free) => !matched.has(free) && free.fingerprint === candidate.fingerprint);
      if (entry) take(candidate, entry);
    }
    // 3. A child still unmatched: a child row equal in all but its parent, where one of the two
    //    parents is unknown. A row whose parent is known may not take a child whose parent cannot
    //    be told if every row with that parent fingerprint is in this read (its parent is here,
    //    this one's is not).
    for (const candidate of candidates) {
      if (candidate.entry || !candidate.operation.parentId) continue;
      const looseFingerprint = fingerprintOf(accountId, candidate.operation, null);
      const entry = byPreference.find((free) => {
        if (matched.has(free) || free.fingerprint === looseFingerprint || loose(free) !== looseFingerprint) return false;
        const parent = free.parentFingerprint;
        if (parent === null) return true;
        if (candidate.parent !== undefined) return false;
        return !journalCounts.has(parent) || (placedCounts.get(parent) ?? 0) + matchedWith(parent) < journalCounts.get(parent)!;
      });
      if (entry) {
        take(candidate, entry);
        if (candidate.parent === undefined) {
          // Nothing new is known about the parent: the row keeps what it had.
          candidate.fingerprint = entry.fingerprint;
          candidate.parent = entry.parentFingerprint;
        }
      }
    }
    for (const candidate of candidates) settle(candidate);
  };

  /** Journal rows with this fingerprint matched in this read but not yet placed (same group). */
  const matchedWith = (fingerprint: string) => [...matched].filter((entry) => entry.fingerprint === fingerprint && !placedEntries.has(entry)).length;
  const placedEntries = new Set<JournalEntry>();

  const settle = (candidate: Candidate) => {
    const { operation, entry } = candidate;
    const body = operationBody(operation);
    const parentFingerprint = candidate.parent ?? null;
    placed.set(operation.id, candidate.fingerprint);
    placedCounts.set(candidate.fingerprint, (placedCounts.get(candidate.fingerprint) ?? 0) + 1);
    if (entry) {
      placedEntries.add(entry);
      const newAliases = entry.aliases.includes(operation.id) ? [] : [operation.id];
      const changed = entry.body !== body;
      const moved = entry.fingerprint !== candidate.fingerprint || entry.brokerId !== operation.id || entry.parentFingerprint !== parentFingerprint;
      if (changed || moved || newAliases.length > 0 || entry.missing > 0) {
        plan.updates.push({
          rowId: entry.rowId,
          stableId: entry.stableId,
          brokerId: operation.id,
          fingerprint: candidate.fingerprint,
          parentFingerprint,
          instant: instantKey(operation.date),
          body,
          newAliases,
          changed,
        });
      }
      return;
    }
    const stableId = allocateStableId(operation.id, (id) => takenIds.has(id) || input.stableIdTaken(id));
    takenIds.add(stableId);
    plan.inserts.push({
      stableId,
      brokerId: operation.id,
      aliases: [operation.id],
      fingerprint: candidate.fingerprint,
      parentFingerprint,
      instant: instantKey(operation.date),
      type: operation.type,
      instrumentKey: operation.instrument?.key ?? null,
      body,
    });
  };

  // Roots first, then each generation of children once their parents are placed (a parent not in
  // this read counts as placed: it is looked up among the aliases).
  let waiting = rows;
  while (waiting.length > 0) {
    const ready = waiting.filter((operation) => !operation.parentId || placed.has(operation.parentId) || !inRead.has(operation.parentId));
    const group = ready.length > 0 ? ready : waiting;
    place(group);
    waiting = waiting.filter((operation) => !group.includes(operation));
  }

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
