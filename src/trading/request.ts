import type { ViewerAccess } from '../access.js';
import type { InstrumentRefInput } from '../brokers/instrument-input.js';
import type { OrderSide, OrderType } from '../domain.js';
import type { Loaders } from '../loaders.js';
import type { RequestScope } from '../request-scope.js';
import type { TradingServices } from './services.js';

/**
 * What the trading mutations need of the request they run in, and nothing else: who is asking
 * and what it may see, the instrument lookups, the request's signal and deadline, and the
 * audit log and idempotency ledger. The GraphQL resolvers and the v1 compat route each build
 * one with `tradingRequest`.
 */
export interface TradingRequest extends ViewerAccess {
  loaders: ViewerAccess['loaders'] & Pick<Loaders, 'instrument' | 'lastPrice' | 'orderbook'>;
  /** Where the request came from (auth/client-address.ts), for a policy's allowFrom. */
  clientAddress: string;
  /** Aborted when the client goes away or the request's deadline passes. */
  signal: AbortSignal;
  /** Epoch milliseconds: how long a repeat may wait for the first request with its key. */
  deadline: number;
  services: TradingServices;
}

/** The parts of a request context trading reads (GraphQL's and the compat route's contexts both have them). */
export interface TradingSource extends Omit<TradingRequest, 'deadline' | 'services'> {
  scope: Pick<RequestScope, 'deadline'>;
  trading: TradingServices;
}

export function tradingRequest({ viewer, connections, loaders, signal, scope, trading, clientAddress }: TradingSource): TradingRequest {
  return { viewer, connections, loaders, signal, clientAddress, deadline: scope.deadline, services: trading };
}

/** The placeOrder input (the GraphQL `PlaceOrderInput`, or what the compat route reads from v1's body). */
export interface PlaceOrderInput {
  accountId: string;
  instrument: InstrumentRefInput;
  side: OrderSide;
  type: OrderType;
  lots: number;
  price?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
}
