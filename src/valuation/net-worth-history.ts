import { canSeeAccount } from '../access.js';
import type { GatewayContext } from '../context.js';
import { addDecimals, divideRoundingHalfEven } from '../decimal.js';
import type { Money } from '../domain.js';
import { BadUserInputError } from '../errors.js';
import type { ValueInterval } from '../generated/graphql.js';
import { minorUnits, validateCurrencyCode } from './currency-units.js';
import type { BucketValue } from './value-history.js';

/**
 * `Query.netWorthHistory`: the values netWorth recorded (value-history.ts), summed per bucket of
 * time. Zero broker calls: which accounts count is decided from the records and the token alone.
 */

export interface NetWorthPointModel {
  at: string;
  total: Money;
  accounts: number;
  complete: boolean;
}

export interface NetWorthHistoryArguments {
  currency: string;
  from?: string | null | undefined;
  to?: string | null | undefined;
  interval?: ValueInterval | null | undefined;
}

const bucketMilliseconds: Record<ValueInterval, number> = { HOUR: 3_600_000, DAY: 86_400_000 };

/** Buckets one answer may span: a few years of days, some six weeks of hours. */
export const maxHistoryBuckets = 1_000;

export function computeNetWorthHistory(context: GatewayContext, requested: NetWorthHistoryArguments, now: () => Date): NetWorthPointModel[] {
  const currency = validateCurrencyCode(requested.currency);
  const interval = requested.interval ?? 'DAY';
  const size = bucketMilliseconds[interval];
  const to = requested.to ? new Date(requested.to) : now();
  const from = requested.from ? new Date(requested.from) : new Date((Math.floor(to.getTime() / size) - (maxHistoryBuckets - 1)) * size);
  if (from.getTime() > to.getTime()) throw new BadUserInputError(`from must not be after to, received from ${from.toISOString()} and to ${to.toISOString()}`);
  const buckets = Math.floor(to.getTime() / size) - Math.floor(from.getTime() / size) + 1;
  if (buckets > maxHistoryBuckets) {
    throw new BadUserInputError(
      `netWorthHistory answers at most ${maxHistoryBuckets} buckets; from ${from.toISOString()} to ${to.toISOString()} spans ${buckets} of interval ${interval} (narrow the range or use DAY)`,
    );
  }

  const visible = context.history.values
    .lastPerBucket(currency, from, to, size)
    .filter((value) => isVisible(context, value.accountId));
  const accounts = new Set(visible.map((value) => value.accountId));
  const places = minorUnits(currency);
  return groupByBucket(visible).map(([bucket, values]) => ({
    at: new Date(bucket).toISOString(),
    // A sum of values with 18 decimals, rounded once, half to even: as netWorth rounds its total.
    total: { amount: divideRoundingHalfEven(addDecimals(...values.map((value) => value.total)), '1', places), currency },
    accounts: values.length,
    complete: values.length === accounts.size,
  }));
}

/** An account the token can see, on a connection still configured (a removed one is no longer anyone's). */
function isVisible(context: GatewayContext, accountId: string): boolean {
  const connectionId = accountId.slice(0, accountId.indexOf(':'));
  return canSeeAccount(context.viewer, accountId) && context.connections.get(connectionId) !== undefined;
}

function groupByBucket(values: BucketValue[]): Array<[number, BucketValue[]]> {
  const groups = new Map<number, BucketValue[]>();
  for (const value of values) groups.set(value.bucket, [...(groups.get(value.bucket) ?? []), value]);
  return [...groups].sort(([left], [right]) => left - right);
}
