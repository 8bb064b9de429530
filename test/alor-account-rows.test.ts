import { describe, expect, it } from 'vitest';
import { parseJsonExact } from '../src/brokers/json.js';
import { AlorPortfolioRows, streamOrderRowSchema, streamPositionRowSchema, streamTradeRowSchema } from '../src/brokers/alor/streams/portfolio-rows.js';

/** What ALOR's account subscriptions of one portfolio say, row by row (the rows as /ws sends them, read as the adapter reads them: numbers as their text). */
const wire = (row: Record<string, unknown>) => parseJsonExact(JSON.stringify(row));

const orderRow = (fields: Record<string, unknown>) =>
  streamOrderRowSchema.parse(wire({ id: '501', symbol: 'SBER', exchange: 'MOEX', type: 'market', side: 'buy', status: 'working', qtyUnits: 30, qtyBatch: 3, filledQtyUnits: 0, filledQtyBatch: 0, existing: false, ...fields }));
const tradeRow = (id: string, lots: number, price: number) =>
  streamTradeRowSchema.parse(wire({ id, orderno: '501', symbol: 'SBER', exchange: 'MOEX', date: '2026-12-06T10:00:00Z', qtyUnits: lots * 10, qtyBatch: lots, price, side: 'buy', existing: false }));

describe('ALOR account rows of one portfolio', () => {
  it('holds a filled order until its trades cover the fill, then prices it at their average per unit', () => {
    const rows = new AlorPortfolioRows('MOEX', 'alor');
    expect(rows.order(orderRow({}))).toMatchObject({ id: '501', status: 'NEW', executedLots: '0', averageFillPrice: null });
    // The order row comes before its trades: nothing to say yet.
    expect(rows.order(orderRow({ status: 'filled', filledQtyUnits: 30, filledQtyBatch: 3 }))).toBeUndefined();
    expect(rows.trade(tradeRow('T1', 1, 300.1))).toBeUndefined();
    expect(rows.trade(tradeRow('T2', 2, 300.25))).toMatchObject({ id: '501', status: 'FILLED', executedLots: '3', averageFillPrice: '300.2' });
    // A trade sent again (a resubscription's snapshot) is the same trade.
    expect(rows.trade(tradeRow('T2', 2, 300.25))).toBeUndefined();
  });

  it('does not report the snapshot’s orders (existing: true)', () => {
    const rows = new AlorPortfolioRows('MOEX', 'alor');
    expect(rows.order(orderRow({ existing: true }))).toBeUndefined();
  });

  it('keeps the whole positions list, replaced row by row, and worth sending from the first change on', () => {
    const rows = new AlorPortfolioRows('MOEX', 'alor');
    const position = (symbol: string, qtyUnits: number, existing: boolean, isCurrency = false) => streamPositionRowSchema.parse(wire({ symbol, exchange: 'MOEX', qtyUnits, isCurrency, existing }));
    expect(rows.position(position('SBER', 10, true))).toBe(false);
    expect(rows.position(position('RUB', 1000.5, true, true))).toBe(false);
    expect(rows.position(position('SBER', 20, false))).toBe(true);
    expect(rows.positionRows().map((row) => [row.symbol, row.qtyUnits])).toEqual([
      ['SBER', '20'],
      ['RUB', '1000.5'],
    ]);
    rows.resubscribed();
    expect(rows.positionRows()).toEqual([]);
  });
});
