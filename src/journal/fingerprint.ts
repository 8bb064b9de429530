import { createHash } from 'node:crypto';
import { normalizeDecimal } from '../decimal.js';
import type { Operation } from '../domain.js';

/**
 * What an operation IS, independent of the id its broker gives it today. See identity.ts for
 * how the journal uses it, and why.
 */

/**
 * An instant as fixed-width UTC text that sorts as time does: `2024-03-15T08:02:10.514000Z`.
 * Digits past the millisecond (Tinkoff v1 sends microseconds) are kept, so two operations a few
 * microseconds apart stay apart; the offset the broker wrote (`+03:00`, `Z`) does not matter.
 */
export function instantKey(iso: string): string {
  const milliseconds = Date.parse(iso);
  if (Number.isNaN(milliseconds)) throw new RangeError(`not a date-time: ${iso.slice(0, 40)}`);
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  const beyondMilliseconds = fraction.slice(3, 6).padEnd(3, '0');
  return `${new Date(milliseconds).toISOString().slice(0, 23)}${beyondMilliseconds}Z`;
}

/**
 * The operation's identity as a short hash of: the account, the broker's own type name (a fee and
 * a tax of the same amount differ), the instant, the instrument, the quantity, the payment with
 * its currency, and the parent — given as the journal's stable id of the parent row where the
 * journal knows it (`parent`), since the broker's parent id changes with the parent's own id.
 * Status, price and commission are left out: a broker restates them, and the row is the same row.
 */
export function fingerprintOf(accountId: string, operation: Operation, parent: string | null): string {
  const parts = [
    accountId,
    operation.brokerType,
    instantKey(operation.date),
    operation.instrument?.key ?? '',
    operation.quantity === null ? '' : normalizeDecimal(operation.quantity),
    normalizeDecimal(operation.payment.amount),
    operation.payment.currency,
    parent ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32);
}

/**
 * Like the fingerprint but without the parent, for telling whether the first rows of a page are
 * the last rows of the page before (see window-read.ts): parents are resolved only later.
 */
export function shapeOf(operation: Operation): string {
  const quantity = operation.quantity === null ? '' : normalizeDecimal(operation.quantity);
  return [operation.brokerType, instantKey(operation.date), operation.instrument?.key ?? '', quantity, normalizeDecimal(operation.payment.amount), operation.payment.currency].join('|');
}

/**
 * What the journal keeps of an operation to answer with and to see a restatement: everything
 * but the broker's ids (which change without the operation changing), with object keys sorted
 * so that the same content is always the same text.
 */
export function operationBody(operation: Operation): string {
  const { id: _id, parentId: _parentId, ...content } = operation;
  return canonicalJson(content);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
