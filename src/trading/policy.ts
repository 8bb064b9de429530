import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { describeIssue, parseYamlText } from '../config-document.js';
import { isPlainDecimal, isPositiveDecimal, isWithinDecimalInputLimits, normalizeDecimal, type Decimal } from '../decimal.js';
import { InternalError } from '../errors.js';

/**
 * A TRADE token's risk policy (issue 17): what the token may trade, how much, when and from
 * where. Written as YAML, validated once here into a typed, normalized policy (every key
 * optional, an unknown key refused by name, like the config), stored as JSON on the token's row.
 * No policy at all means the token trades as before.
 */

export const weekdays = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof weekdays)[number];

export interface TradingHours {
  /** HH:MM, inclusive. */
  from: string;
  /** HH:MM, exclusive; earlier than `from` for a window across midnight. */
  to: string;
  timezone: string;
  /** The days a window starts on. */
  days: Weekday[];
}

export interface RiskPolicy {
  /** The currency of the value limits. Default RUB. */
  currency: string;
  /** The timezone "today" is counted in. Default: tradingHours.timezone, else Europe/Moscow (the exchanges' day). */
  timezone: string;
  maxOrderValue?: Decimal | undefined;
  maxDailyValue?: Decimal | undefined;
  maxOrdersPerDay?: number | undefined;
  maxOpenOrders?: number | undefined;
  /** By instrument id (`tbank:BBG004730N88`): the most lots the position may reach, long or short. */
  maxPositionLots?: Record<string, number> | undefined;
  instruments?: string[] | undefined;
  orderTypes?: Array<'LIMIT' | 'MARKET'> | undefined;
  sides?: Array<'BUY' | 'SELL'> | undefined;
  priceBandPercent?: Decimal | undefined;
  tradingHours?: TradingHours | undefined;
  /** CIDRs (`10.0.0.0/8`, `2001:db8::/32`); a bare address is one host. */
  allowFrom?: string[] | undefined;
}

/** The keys that refuse an order, in the order they are checked; `valueUnknown` when a value limit cannot be applied. */
export const policyRules = [
  'allowFrom',
  'tradingHours',
  'orderTypes',
  'sides',
  'instruments',
  'priceBandPercent',
  'valueUnknown',
  'maxOrderValue',
  'maxOrdersPerDay',
  'maxDailyValue',
  'maxOpenOrders',
  'maxPositionLots',
] as const;
export type PolicyRule = (typeof policyRules)[number];

export const defaultPolicyCurrency = 'RUB';
export const defaultPolicyTimezone = 'Europe/Moscow';

/**
 * An amount: a YAML number or a string. YAML numbers are doubles, whose shortest text is the
 * written one up to 15 significant digits; anything the double changed is refused, not rounded.
 */
const amount = z
  .union([z.number(), z.string()], 'expected a positive amount such as 50000 or "1234.56"')
  .transform((value, context) => {
    const text = typeof value === 'number' ? String(value) : value.trim();
    if (!isWithinDecimalInputLimits(text) || !isPlainDecimal(text) || !isPositiveDecimal(text)) {
      context.addIssue({ code: 'custom', message: `expected a positive amount such as 50000 or "1234.56", received ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return normalizeDecimal(text);
  });

const count = z.number('expected a whole number').int('expected a whole number').min(0, 'expected 0 or more').max(1_000_000, 'expected at most 1000000');

function isTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const timezone = z.string('expected an IANA timezone such as Europe/Moscow').refine(isTimezone, 'expected an IANA timezone such as Europe/Moscow');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM, such as 10:00');
const instrumentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}:\S{1,100}$/, 'expected an instrument id <connection id>:<broker key>, such as tbank:BBG004730N88');

/** `10.0.0.0/8`, `::1/128`, or a bare address (one host). */
export function isCidr(text: string): boolean {
  const [address, prefix, ...rest] = text.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const policySchema = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'expected an ISO currency code such as RUB')
    .transform((code) => code.toUpperCase())
    .optional(),
  timezone: timezone.optional(),
  maxOrderValue: amount.optional(),
  maxDailyValue: amount.optional(),
  maxOrdersPerDay: count.optional(),
  maxOpenOrders: count.optional(),
  maxPositionLots: z.record(instrumentId, count, 'expected a mapping of instrument id to lots').optional(),
  instruments: z.array(instrumentId, 'expected a list of instrument ids').optional(),
  orderTypes: z.array(z.enum(['LIMIT', 'MARKET']), 'expected a list of LIMIT, MARKET').optional(),
  sides: z.array(z.enum(['BUY', 'SELL']), 'expected a list of BUY, SELL').optional(),
  priceBandPercent: amount.optional(),
  tradingHours: z
    .strictObject({ from: clock, to: clock, timezone, days: z.array(z.enum(weekdays), 'expected a list of MON … SUN').optional() })
    .refine((hours) => hours.from !== hours.to, 'from and to must differ (to before from is a window across midnight)')
    .optional(),
  allowFrom: z.array(z.string().refine(isCidr, 'expected an address or CIDR such as 10.0.0.0/8 or 2001:db8::/32'), 'expected a list of CIDRs').optional(),
});

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** Validates a parsed policy document; `label` names it in messages (the file). */
export function parsePolicy(raw: unknown, label: string): RiskPolicy {
  const parsed = policySchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    const [key, problem] = describeIssue(parsed.error.issues[0]!, []);
    throw new PolicyError(`${label}: ${key ? `${key}: ` : ''}${problem}`);
  }
  const { currency, timezone: dayZone, tradingHours, ...rest } = parsed.data;
  const policy: RiskPolicy = {
    currency: currency ?? defaultPolicyCurrency,
    timezone: dayZone ?? tradingHours?.timezone ?? defaultPolicyTimezone,
    ...rest,
  };
  if (tradingHours) policy.tradingHours = { ...tradingHours, days: tradingHours.days ?? [...weekdays] };
  return dropUndefined(policy);
}

export function loadPolicyFile(file: string): RiskPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot read it'}`);
  }
  const parsed = parseYamlText(text);
  if ('problem' in parsed) throw new PolicyError(`${file}: ${parsed.problem}`);
  return parsePolicy(parsed.value, file);
}

/**
 * A policy as stored on a token's row. A row that no longer reads as a policy fails the request
 * rather than counting as "no policy": a damaged limit must not lift the limit.
 */
export function readStoredPolicy(json: string | null): RiskPolicy | null {
  if (json === null) return null;
  try {
    return parsePolicy(JSON.parse(json), 'stored policy');
  } catch (error) {
    throw new InternalError(`a token's stored policy cannot be read (${(error as Error).message}); replace it with brokerql token update`);
  }
}

/** The keys set in a policy (for messages and the audit log), defaults left out. */
export function policyKeys(policy: RiskPolicy): string[] {
  return Object.keys(policy).filter((key) => key !== 'currency' && key !== 'timezone');
}

/** Whether the policy limits values at all (only then is an order valued, which may cost broker calls). */
export function limitsValue(policy: RiskPolicy): boolean {
  return policy.maxOrderValue !== undefined || policy.maxDailyValue !== undefined;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
