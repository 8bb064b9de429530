import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Operation } from '../src/domain.js';
import { JournalStore } from '../src/journal/store.js';
import { openDatabase } from '../src/storage/database.js';
import { temporaryDirectory } from './support/temporary-directory.js';

/**
 * The journal's merge rules (journal/identity.ts) as properties, against the real SQLite store:
 * whatever mix of repeated rows, rows missing from one read, changed broker ids and identical
 * twins the reads bring, the journal ends with exactly the broker's operations; a row goes only
 * after two reads in a row miss it.
 */

const database = openDatabase(temporaryDirectory('brokerql-identity'));
afterAll(() => database.close());
const store = new JournalStore(database);
const window = { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' };
let accounts = 0;

interface Truth {
  brokerType: string;
  minute: number;
  payment: string;
  instrument: string | null;
  /** Index of the parent row (a row without a parent of its own). */
  parent: number | null;
}

/** Few values for each part, so that twins (equal in everything but the id) are common. */
const truthRow = fc.record({
  brokerType: fc.constantFrom('FEE', 'TAX'),
  minute: fc.integer({ min: 0, max: 3 }),
  payment: fc.constantFrom('-1', '-2.5'),
  instrument: fc.constantFrom(null, 'BBG004730N88'),
  parent: fc.constant<number | null>(null),
});

const truths = fc
  .array(truthRow, { minLength: 1, maxLength: 20 })
  .chain((rows) =>
    fc.tuple(fc.constant(rows), fc.array(fc.option(fc.nat(rows.length - 1), { nil: null }), { minLength: rows.length, maxLength: rows.length })).map(([base, parents]) =>
      // A row may name an earlier row without a parent as its parent (a fee's trade).
      base.map((row, index) => {
        const parent = parents[index];
        return parent !== null && parent !== undefined && parent < index && base[parent]!.parent === null ? { ...row, parent } : row;
      }),
    ),
  );

/** One read: whether the broker changed every id first, rows it repeats, rows it leaves out, and an order. */
const read = (size: number) =>
  fc.record({
    rename: fc.boolean(),
    repeated: fc.uniqueArray(fc.nat(size - 1), { maxLength: size }),
    missing: fc.uniqueArray(fc.nat(size - 1), { maxLength: size }),
    order: fc.array(fc.nat(), { minLength: size * 2, maxLength: size * 2 }),
  });

function operation(row: Truth, index: number, generation: number): Operation {
  const id = (position: number) => `g${generation}-${position}`;
  return {
    id: id(index),
    type: 'OTHER',
    brokerType: row.brokerType,
    status: 'DONE',
    date: new Date(Date.parse(window.from) + 3_600_000 + row.minute * 60_000).toISOString(),
    instrument: row.instrument ? { key: row.instrument } : null,
    quantity: null,
    price: null,
    payment: { amount: row.payment, currency: 'RUB' },
    commission: null,
    parentId: row.parent === null ? null : id(row.parent),
  };
}

function readOf(rows: Truth[], generation: number, { repeated, missing, order }: { repeated: number[]; missing: number[]; order: number[] }): Operation[] {
  const answer = rows.flatMap((row, index) => (missing.includes(index) ? [] : [operation(row, index, generation)]));
  for (const index of repeated) if (!missing.includes(index)) answer.push(operation(rows[index]!, index, generation));
  // Shuffled: a broker's order says nothing about identity.
  return answer.map((row, index) => ({ row, key: order[index] ?? index })).sort((left, right) => left.key - right.key).map(({ row }) => row);
}

/** What the journal holds: each row's content, as a sorted list. */
function journalContents(accountId: string): string[] {
  return (database.prepare('SELECT body FROM journal_operations WHERE account_id = ?').all(accountId) as Array<{ body: string }>)
    .map(({ body }) => {
      const content = JSON.parse(body) as Operation;
      return `${content.brokerType}|${content.date}|${content.payment.amount}|${content.instrument?.key ?? ''}`;
    })
    .sort();
}

function truthContents(rows: Truth[]): string[] {
  return rows.map((row, index) => {
    const content = operation(row, index, 0);
    return `${content.brokerType}|${content.date}|${content.payment.amount}|${content.instrument?.key ?? ''}`;
  }).sort();
}

describe('the journal merge rules', () => {
  /** Applies the reads, never missing one row in two reads in a row (the sync re-reads a window that missed a row). */
  function applyReads(accountId: string, rows: Truth[], reads: Array<{ rename: boolean; repeated: number[]; missing: number[]; order: number[] }>): number {
    let generation = 0;
    let previouslyMissing: number[] = [];
    let removals = 0;
    for (const each of reads) {
      if (each.rename) generation += 1;
      const missing = each.missing.filter((index) => !previouslyMissing.includes(index));
      removals += store.merge(accountId, window, readOf(rows, generation, { ...each, missing })).removed;
      previouslyMissing = missing;
    }
    // A clean read after the noise.
    return removals + store.merge(accountId, window, readOf(rows, generation, { repeated: [], missing: [], order: [] })).removed;
  }

  const noisyReads = truths.chain((rows) => fc.tuple(fc.constant(rows), fc.array(read(rows.length), { minLength: 1, maxLength: 6 })));

  it('end with exactly the broker\'s operations, twins included, whatever the reads bring', () => {
    fc.assert(
      fc.property(noisyReads, ([rows, reads]) => {
        const accountId = `account-${accounts++}`;
        applyReads(accountId, rows, reads);
        expect(journalContents(accountId)).toEqual(truthContents(rows));
      }),
      { numRuns: 200 },
    );
  });

  it('remove nothing when no row is missed twice in a row and the ids hold, or change but no row names a parent', () => {
    fc.assert(
      fc.property(noisyReads, fc.boolean(), ([rows, reads], renames) => {
        const accountId = `account-${accounts++}`;
        const withoutParents = renames ? rows.map((row) => ({ ...row, parent: null })) : rows;
        const removals = applyReads(accountId, withoutParents, reads.map((each) => ({ ...each, rename: renames && each.rename })));
        expect(removals).toBe(0);
        expect(journalContents(accountId)).toEqual(truthContents(withoutParents));
      }),
      { numRuns: 200 },
    );
  });

  it('keep every stable id across a change of all broker ids', () => {
    fc.assert(
      fc.property(truths, (rows) => {
        const accountId = `account-${accounts++}`;
        store.merge(accountId, window, readOf(rows, 0, { repeated: [], missing: [], order: [] }));
        const before = (database.prepare('SELECT stable_id FROM journal_operations WHERE account_id = ? ORDER BY stable_id').all(accountId) as Array<{ stable_id: string }>).map((row) => row.stable_id);
        const outcome = store.merge(accountId, window, readOf(rows, 1, { repeated: [], missing: [], order: [] }));
        const after = (database.prepare('SELECT stable_id FROM journal_operations WHERE account_id = ? ORDER BY stable_id').all(accountId) as Array<{ stable_id: string }>).map((row) => row.stable_id);
        expect(after).toEqual(before);
        expect(outcome).toEqual({ inserted: 0, updated: 0, removed: 0, newlyMissing: 0 });
      }),
      { numRuns: 100 },
    );
  });

  it('remove a row after two reads in a row miss it, not after one', () => {
    fc.assert(
      fc.property(
        truths.chain((rows) => fc.tuple(fc.constant(rows), fc.nat(rows.length - 1))),
        ([rows, gone]) => {
          const accountId = `account-${accounts++}`;
          const clean = { repeated: [], order: [] };
          store.merge(accountId, window, readOf(rows, 0, { ...clean, missing: [] }));
          expect(store.merge(accountId, window, readOf(rows, 0, { ...clean, missing: [gone] }))).toMatchObject({ removed: 0, newlyMissing: 1 });
          expect(store.merge(accountId, window, readOf(rows, 0, { ...clean, missing: [gone] }))).toMatchObject({ removed: 1, newlyMissing: 0 });
          expect(journalContents(accountId)).toEqual(truthContents(rows.filter((_row, index) => index !== gone)));
        },
      ),
      { numRuns: 100 },
    );
  });
});
