import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { BadUserInputError } from '../errors.js';
import type { Database } from '../storage/database.js';

/**
 * Opaque, stable cursors. A cursor carries the position itself (an operations page's last
 * instant and row, a change-log sequence) and the account it belongs to, so it pages from the
 * same place tomorrow, after new operations and after a restart; it is signed with a key kept in
 * the database, so a cursor brokerql did not issue — edited, made up, or another account's — is
 * BAD_USER_INPUT instead of a position the client chose.
 */

const pagePosition = z.strictObject({ kind: z.literal('page'), account: z.string(), instant: z.string(), row: z.number().int() });
const changesPosition = z.strictObject({ kind: z.literal('changes'), account: z.string(), sequence: z.number().int().min(0) });
const position = z.discriminatedUnion('kind', [pagePosition, changesPosition]);

export type PagePosition = z.output<typeof pagePosition>;
export type ChangesPosition = z.output<typeof changesPosition>;
type Position = z.output<typeof position>;

/** Far longer than any cursor brokerql writes; a longer one is refused before it is decoded. */
const longestCursor = 512;
/** Characters of the signature kept (128 bits). */
const signatureLength = 22;

export class CursorCodec {
  private readonly key: Buffer;

  constructor(database: Database) {
    database.prepare('INSERT OR IGNORE INTO journal_secret (id, key) VALUES (1, ?)').run(randomBytes(32));
    this.key = (database.prepare('SELECT key FROM journal_secret WHERE id = 1').get() as { key: Buffer }).key;
  }

  encode(value: Position): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  page(text: string, account: string): PagePosition {
    const value = this.decode(text, 'after', account);
    if (value.kind !== 'page') throw refused('after', 'it is a cursor of operationChanges, not of operationsPage');
    return value;
  }

  changes(text: string, account: string): ChangesPosition {
    const value = this.decode(text, 'since', account);
    if (value.kind !== 'changes') throw refused('since', 'it is a cursor of operationsPage, not of operationChanges');
    return value;
  }

  private decode(text: string, argument: string, account: string): Position {
    const dot = text.lastIndexOf('.');
    const body = text.slice(0, dot);
    const signature = Buffer.from(text.slice(dot + 1));
    const expected = Buffer.from(this.sign(body));
    if (text.length > longestCursor || dot <= 0 || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw refused(argument, 'it was not issued by brokerql, or was changed');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const value = position.safeParse(parsed);
    if (!value.success) throw refused(argument, 'it was not issued by brokerql, or was changed');
    if (value.data.account !== account) throw refused(argument, 'it belongs to another account');
    return value.data;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, signatureLength);
  }
}

function refused(argument: string, why: string): BadUserInputError {
  return new BadUserInputError(`${argument} must be a cursor from an earlier answer for this account; ${why}`);
}
