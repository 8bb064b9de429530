import type { AuditEntry, AuditOutcome } from '../auth/audit-log.js';
import type { ViewerModel } from '../auth/viewer.js';
import { BrokerqlError, OrderStateUnknownError, RiskLimitExceededError } from '../errors.js';
import type { InstrumentRefInput } from '../brokers/instrument-input.js';
import type { OrderModel } from '../resolvers/models.js';
import type { PlaceOrderInput } from './request.js';
import type { TradingServices } from './services.js';

/** Every trading mutation attempt ends in exactly one audit row: who, what, and how it ended. */

export interface AuditContext {
  viewer: ViewerModel;
  services: Pick<TradingServices, 'audit'>;
}

export type Settle = (order: OrderModel, brokerOrderId: string | null, outcome?: AuditOutcome) => OrderModel;

export function auditEntry(context: AuditContext, mutation: string, fields: Partial<AuditEntry>): AuditEntry {
  return entryBy({ tokenId: context.viewer.tokenId, tokenName: context.viewer.name }, mutation, fields);
}

/** A row for something done at the command line (halt, resume, a policy update): no token did it. */
export function operatorEntry(mutation: string, fields: Partial<AuditEntry>): AuditEntry {
  return entryBy({ tokenId: null, tokenName: 'brokerql CLI' }, mutation, fields);
}

function entryBy(who: Pick<AuditEntry, 'tokenId' | 'tokenName'>, mutation: string, fields: Partial<AuditEntry>): AuditEntry {
  return {
    ...who,
    mutation,
    accountId: null,
    instrument: null,
    side: null,
    type: null,
    lots: null,
    price: null,
    idempotencyKey: null,
    orderId: null,
    outcome: 'ok',
    brokerOrderId: null,
    errorCode: null,
    message: null,
    ...fields,
  };
}

/** Runs a mutation and writes its one audit row, whatever happens. */
export async function audited(context: AuditContext, entry: AuditEntry, run: (settle: Settle) => Promise<OrderModel>): Promise<OrderModel> {
  try {
    return await run((order, brokerOrderId, outcome = 'ok') => {
      context.services.audit.record({ ...entry, outcome, brokerOrderId });
      return order;
    });
  } catch (error) {
    context.services.audit.record({
      ...entry,
      outcome: outcomeOf(error),
      errorCode: error instanceof BrokerqlError ? error.code : 'INTERNAL',
      message: error instanceof BrokerqlError ? error.message : null,
      rule: error instanceof RiskLimitExceededError ? error.rule : null,
    });
    throw error;
  }
}

/** How an attempt ended, from whose doing its error is (errors.ts): the client's, the broker's refusal, or a failure. */
function outcomeOf(error: unknown): AuditOutcome {
  if (error instanceof OrderStateUnknownError) return 'unknown';
  if (!(error instanceof BrokerqlError)) return 'failed';
  if (error.blame === 'client') return 'rejected';
  return error.blame === 'broker' ? 'refused' : 'failed';
}

/** The audit row for a mutation the @requiresScope directive (or the compat route) refused. */
export function auditDenied(context: AuditContext, mutation: string, args: Record<string, unknown>): void {
  const input = (args['input'] ?? {}) as Partial<PlaceOrderInput>;
  context.services.audit.record(
    auditEntry(context, mutation, {
      accountId: (input.accountId ?? args['accountId'] ?? null) as string | null,
      instrument: input.instrument ? describeRef(input.instrument) : null,
      side: input.side ?? null,
      type: input.type ?? null,
      lots: input.lots ?? null,
      price: input.price ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      orderId: (args['orderId'] ?? null) as string | null,
      outcome: 'rejected',
      errorCode: 'FORBIDDEN',
      message: `needs a TRADE token; this token is ${context.viewer.scope}`,
    }),
  );
}

export function describeRef(ref: InstrumentRefInput): string {
  if (ref.id) return ref.id;
  if (ref.figi) return `figi:${ref.figi}`;
  return [ref.exchange, ref.symbol].filter(Boolean).join(':');
}
