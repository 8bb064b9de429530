import type { SimulatedTrade } from './data.js';

/**
 * The ALOR simulator's orders and holdings: the shapes its state keeps, its REST handlers answer
 * from and its stream simulator pushes.
 */

export type OrderStatus = 'working' | 'filled' | 'canceled' | 'rejected';
export type TimeInForce = 'oneday' | 'immediateorcancel' | 'fillorkill' | 'attheclose' | 'goodtillcancelled' | 'bookorcancel';

export interface SimulatedOrder {
  id: string;
  portfolio: string;
  exchange: string;
  symbol: string;
  board: string;
  type: 'limit' | 'market';
  side: 'buy' | 'sell';
  status: OrderStatus;
  lots: number;
  filledLots: number;
  /** The limit price; '0' for a market order. */
  price: string;
  timeInForce: TimeInForce;
  comment: string | null;
  iceberg: { fixedLots: number; variancePercent: number } | null;
  placedAt: number;
  updatedAt: number;
}

export interface OrderRequest {
  portfolio: string;
  exchange: string;
  symbol: string;
  side: 'buy' | 'sell';
  lots: number;
  type: 'limit' | 'market';
  /** Required for limit orders. */
  price?: string;
  timeInForce: TimeInForce;
  comment: string | null;
  iceberg: SimulatedOrder['iceberg'];
}

export interface Holding {
  exchange: string;
  symbol: string;
  units: string;
  averagePrice: string;
  /** Units at the start of today's session. */
  openUnits: string;
}

/** Announced by the state on every change: an order's new row, a new trade of today's session. */
export type AlorStateEvent = { kind: 'order'; order: SimulatedOrder } | { kind: 'trade'; trade: SimulatedTrade };
