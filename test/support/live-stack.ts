import { expect } from 'vitest';
import { compareDecimals, isPlainDecimal } from '../../src/decimal.js';
import { serve, type ServingGateway } from '../../src/server.js';
import type { StreamServer } from '../../src/simulators/common/websocket.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

/**
 * A stack for live data: the gateway served on a real port (SSE and WebSocket need one) against
 * the simulators and their stream servers. SBER's FIGI and uid are the T-Invest simulator's.
 */
export interface LiveStack extends Stack {
  url: string;
  serving: ServingGateway;
  /** T-Invest's stream simulator (its switches and records), when T-Invest is simulated. */
  tinkoffStreams: StreamServer;
  stop(): Promise<void>;
}

export const sberFigi = 'BBG004730N88';
export const sberUid = 'e6123145-9665-43e0-8413-cd61b8aa9b13';
export const gazpFigi = 'BBG004730RP0';

export async function startLiveStack(options: StackOptions = {}): Promise<LiveStack> {
  const stack = await startStack({ ...options, server: { port: 0, ...options.server } });
  const serving = await serve(stack.gateway);
  return {
    ...stack,
    url: serving.server.url,
    serving,
    tinkoffStreams: stack.simulators.tinkoffStreams?.server as StreamServer,
    async stop() {
      await serving.stop();
      await stack.close();
    },
  };
}

const bookFields = 'asOf bids { price quantity } asks { price quantity } instrument { id ticker }';

/** An order book subscription of T-Invest's SBER (or the given ref) at `depth`. */
export function orderbookSubscription(depth = 10, instrument = `{ figi: "${sberFigi}" }`, connection = 'tbank'): string {
  return `subscription Book { orderbook(connection: "${connection}", instrument: ${instrument}, depth: ${depth}) { ${bookFields} } }`;
}

export function lastPricesSubscription(instruments: string[], connection = 'tbank'): string {
  return `subscription Prices { lastPrices(connection: "${connection}", instruments: [${instruments.join(', ')}]) { price asOf instrument { id ticker } } }`;
}

/** The same book by query, for comparing what a subscription delivers with what REST answers. */
export function orderbookQuery(depth = 10, instrument = `{ figi: "${sberFigi}" }`, connection = 'tbank'): string {
  return `{ orderbook(connection: "${connection}", instrument: ${instrument}, depth: ${depth}) { ${bookFields} } }`;
}

interface Book {
  bids: Array<{ price: string; quantity: string }>;
  asks: Array<{ price: string; quantity: string }>;
}

/** Exact decimals; bids best first (descending), asks best first (ascending), quantities whole lots; at most `depth` levels. */
export function expectBookInvariants(book: Book, depth: number): void {
  for (const side of [book.bids, book.asks]) {
    expect(side.length).toBeLessThanOrEqual(depth);
    for (const level of side) {
      expect(isPlainDecimal(level.price)).toBe(true);
      expect(level.quantity).toMatch(/^[1-9]\d*$/);
    }
  }
  for (let index = 1; index < book.bids.length; index++) expect(compareDecimals(book.bids[index - 1]!.price, book.bids[index]!.price)).toBe(1);
  for (let index = 1; index < book.asks.length; index++) expect(compareDecimals(book.asks[index - 1]!.price, book.asks[index]!.price)).toBe(-1);
  if (book.bids[0] && book.asks[0]) expect(compareDecimals(book.bids[0].price, book.asks[0].price)).toBe(-1);
}
