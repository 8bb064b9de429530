import Big from 'big.js';

/**
 * Amounts arrive as exact decimal strings (the API's Decimal) and are shown as they are, only
 * grouped; the little arithmetic the page does itself (a live price × quantity, a yield in
 * percent) goes through big.js, never through floating point.
 */

export interface Money {
  amount: string;
  currency: string;
}

/** "1234567.5" → "1 234 567.5" (narrow no-break spaces between groups of three). */
export function groupDigits(amount: string): string {
  const [whole = '0', fraction] = amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${amount.startsWith('-') ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function formatMoney(money: Money | null | undefined): string {
  return money ? `${groupDigits(money.amount)} ${money.currency}` : '—';
}

export function multiply(left: string, right: string): string {
  return new Big(left).times(right).toFixed();
}

export function sameAmount(left: string, right: string): boolean {
  return new Big(left).eq(right);
}

export function subtract(left: string, right: string): string {
  return new Big(left).minus(right).toFixed();
}

/** part / whole in percent with two decimals, or null when whole is zero. */
export function percentOf(part: string, whole: string): string | null {
  const base = new Big(whole);
  if (base.eq(0)) return null;
  return new Big(part).div(base).times(100).round(2, Big.roundHalfEven).toFixed(2);
}

export function isNegative(amount: string): boolean {
  return amount.startsWith('-');
}
