import { z } from 'zod';
import { jsonDecimal, jsonInteger } from '../json.js';
import { parseInstaforexTime } from './time.js';

/**
 * InstaForex Client Cabinet API bodies, reduced to the fields brokerql maps (unknown fields are
 * dropped). Source: ../shared/brokers/instaforex.md. Only the method paths of the balance and
 * open-trades calls are publicly confirmed; their shapes (§4.2, §4.3) and the whole closed-trades
 * call (§4.4) are inferred from MT4 conventions, so the schemas are lenient: keys in any case
 * (see `lowerCaseKeys`), every number also as a numeric string, optional fields defaulted.
 * Bodies arrive through `parseJsonExact`, so every JSON number is its exact source text here.
 */

/** Json.NET binds keys case-insensitively, and nothing confirms InstaForex writes PascalCase: compare in lower case. */
export function lowerCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerCaseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.toLowerCase(), lowerCaseKeys(item)]));
}

/** The other names an MT4 TradeRecord field goes by in MT4 bridges (§4.3: `Order` for the ticket, `Lots` for the volume). */
const fieldAliases: Record<string, string> = { order: 'ticket', lots: 'volume' };

function withAliases(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record: Record<string, unknown> = { ...value };
  for (const [alias, field] of Object.entries(fieldAliases)) {
    if (record[field] === undefined && record[alias] !== undefined) record[field] = record[alias];
  }
  return record;
}

/** Unix seconds or ISO-8601 (no zone = UTC) → ISO with an offset; MT4's unset time (0) → null. */
const wireTime = z.string().transform((text, context) => {
  const time = parseInstaforexTime(text);
  if (time === undefined) {
    context.issues.push({ code: 'custom', message: 'expected unix seconds or an ISO-8601 time', input: text });
    return z.NEVER;
  }
  return time;
});

/** MT4 writes 0 for an unset price or amount; a missing or null one means the same. */
const amount = jsonDecimal.nullish().transform((value) => value ?? '0');

export const tradeRecordSchema = z.preprocess(
  withAliases,
  z.object({
    ticket: jsonInteger.transform(String),
    /** Empty (or null) on balance and credit rows. */
    symbol: z
      .string()
      .nullish()
      .transform((value) => value?.trim() ?? ''),
    /** MT4 trade command: 0 buy, 1 sell, 2–5 pending orders, 6 balance, 7 credit. */
    cmd: jsonInteger,
    /** Lots. */
    volume: amount,
    opentime: wireTime.nullable().default(null),
    closetime: wireTime.nullable().default(null),
    openprice: amount,
    /** Current price for an open trade, exit price for a closed one, 0 for a pending order. */
    closeprice: amount,
    sl: amount,
    tp: amount,
    commission: amount,
    swap: amount,
    profit: amount,
  }),
);
export type TradeRecord = z.output<typeof tradeRecordSchema>;

export const tradeRecordsSchema = z.array(tradeRecordSchema);

const balanceObjectSchema = z.object({
  balance: jsonDecimal,
  credit: jsonDecimal.optional(),
  equity: jsonDecimal.optional(),
  currency: z.string().optional(),
});

/** A method named "…BalanceInformation" might answer the bare balance (§4.2): a number stands for `{Balance}`. */
export const balanceSchema = z.union([balanceObjectSchema, jsonDecimal.transform((balance) => ({ balance }))]);
export type BalanceInformation = z.output<typeof balanceSchema>;

