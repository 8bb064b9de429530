import { addDecimals } from '../decimal.js';
import type { Money } from '../domain.js';

/** One cash row per currency, in first-seen order, even if a broker lists a currency twice (free and blocked). */
export function sumMoneyByCurrency(amounts: Money[]): Money[] {
  const byCurrency = new Map<string, string[]>();
  for (const { amount, currency } of amounts) byCurrency.set(currency, [...(byCurrency.get(currency) ?? []), amount]);
  return [...byCurrency].map(([currency, parts]) => ({ amount: addDecimals(...parts), currency }));
}
