import { BadUserInputError } from '../errors.js';
import type { InstrumentRef } from '../domain.js';

/**
 * Validate, then build. A string that names a broker resource (an order number, a symbol, a
 * portfolio) is checked against that broker's own grammar before any call, and upstream paths,
 * queries and bodies are built only from the checked values. Percent-encoding is not validation:
 * `DELETE …/orders/{id}` with id "all" is a well-encoded request to cancel every order.
 * Each broker declares its grammars in `src/brokers/<broker>/identifiers.ts`.
 */

declare const checked: unique symbol;

/**
 * A string that passed the grammar of `Kind`: safe to put into an upstream URL as it is. Only
 * `IdentifierGrammar.parse` makes one, so the compiler finds every path built from anything else.
 */
export type Identifier<Kind extends string> = string & { readonly [checked]: Kind };

export interface IdentifierGrammarOptions {
  /** What a valid value looks like, for the message: "digits, ALOR's order number (e.g. 41423837024)". */
  rule: string;
  /** Checked on the text after `normalize`; anchor it (^…$) and keep it to ASCII classes. */
  pattern: RegExp;
  /** Checked before anything else is done with the text, so a 90 KB value costs nothing. */
  maximumLength: number;
  /** Canonical form (e.g. upper case for exchanges), applied after the length check. */
  normalize?: (text: string) => string;
}

export class IdentifierGrammar<Kind extends string> {
  constructor(private readonly options: IdentifierGrammarOptions) {}

  get rule(): string {
    return this.options.rule;
  }

  /** The value, checked and canonical; undefined when it does not fit (for values a broker sent itself). */
  read(value: string): Identifier<Kind> | undefined {
    const { maximumLength, normalize, pattern } = this.options;
    if (value.length > maximumLength) return undefined;
    const text = normalize ? normalize(value) : value;
    return pattern.test(text) ? (text as Identifier<Kind>) : undefined;
  }

  /** The value, checked and canonical; BAD_USER_INPUT naming `field` otherwise. */
  parse(value: string, field: string, connection?: string): Identifier<Kind> {
    const identifier = this.read(value);
    if (identifier === undefined) throw invalidIdentifier(field, this.options.rule, value, connection);
    return identifier;
  }
}

/** How much of a refused value a message quotes: enough to recognise it, never the 90 KB. */
const previewLength = 40;

/**
 * The one message for a refused identifier: "orderId must be …; received "all"". The value is
 * quoted as JSON, which escapes control characters and lone surrogates, so the message stays one
 * printable line whatever was sent.
 */
export function invalidIdentifier(field: string, rule: string, value: string, connection?: string): BadUserInputError {
  return new BadUserInputError(`${field} must be ${rule}; received ${describeReceived(value)}`, { connection });
}

export function describeReceived(value: string): string {
  if (value.length <= previewLength) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, previewLength))}… (${value.length} characters)`;
}

/**
 * Exchange tickers as the Moscow and St Petersburg exchanges write them, which ALOR, T-Invest and
 * Tinkoff v1 all pass on: SBER, RU000A0ZYEB1 (bonds), SiM5 and CNY-6.25 (futures), BRK.B. The first
 * character is a letter or digit, as in every real ticker: "." and ".." are path segments that
 * address another resource. No ',' or ':' (they separate ALOR's EXCHANGE:SYMBOL lists).
 */
export const tickerGrammar = {
  rule: "1 to 50 letters, digits, '.', '_' or '-', starting with a letter or digit",
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/,
  maximumLength: 50,
} as const;

/**
 * FIGI as the Tinkoff APIs use it: 12 upper-case letters and digits. Real FIGIs start with BBG;
 * Tinkoff also issues its own (TCS00A106YF0, RUB000UTSTOM), so the prefix is not checked.
 */
export const figiGrammar = new IdentifierGrammar<'figi'>({
  rule: 'a FIGI: 12 upper-case letters and digits (e.g. BBG004730N88)',
  pattern: /^[A-Z0-9]{12}$/,
  maximumLength: 12,
});

/**
 * A last line behind the grammars, not a replacement for them (the transport refuses to send
 * anything else): segments of unreserved characters and the sub-delimiters real brokers use
 * (`MOEX:SBER,MOEX:GAZP`), no percent-escapes, no dot segments that would address another resource.
 */
const plainPathPattern = /^(\/[A-Za-z0-9._~:,@!$'()*+;=-]*)+$/;

export function isPlainPath(path: string): boolean {
  return plainPathPattern.test(path) && !path.split('/').some((segment) => segment === '.' || segment === '..');
}

/**
 * What each broker accepts from clients, checked by the gateway before anything is sent (even
 * before the account list is read) and again by the adapter where it builds the request.
 */
export interface ClientIdentifiers {
  /** Throws BAD_USER_INPUT naming the field when the ref cannot name an instrument at this broker. */
  checkInstrumentRef(ref: InstrumentRef): void;
  /** Throws BAD_USER_INPUT ("orderId must be …") unless this is an order id the broker could have issued. */
  checkOrderId(orderId: string): void;
}
