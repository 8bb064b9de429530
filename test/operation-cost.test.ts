import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateOperation } from '../src/plugins/use-operation-cost.js';

/** The estimate the cost limits read, on documents built to be costly to estimate or to execute. */
describe('the operation estimate', () => {
  it('multiplies nested counts and weighs a literal and a variable alike', () => {
    const text = (count: string) => `query ($n: Int) { a(first: 10) { b(last: ${count}) { x } } }`;
    expect(estimateOperation(parse(text('5')), undefined, {}).listItems).toBe(60);
    expect(estimateOperation(parse(text('$n')), undefined, { n: 5 })).toEqual(estimateOperation(parse(text('5')), undefined, {}));
  });

  it('estimates fragments that each spread the next twice once each, not 2^depth times', () => {
    // 60 levels: walking every spread would take 2^60 steps; the answer still counts every one.
    const levels = 60;
    const fragments = Array.from({ length: levels }, (_, level) => `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`);
    const text = `{ ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { candles(last: 2) { time } }`;
    const estimate = estimateOperation(parse(text), undefined, {});
    expect(estimate.listItems).toBe(2 * 2 ** levels);
    expect(estimate.cost).toBeGreaterThan(2 ** levels);
  });

  it('estimates the operation named, and nothing for one that is not there', () => {
    const document = parse('query Small { a { x } } query Large { a(first: 1000) { x } }');
    expect(estimateOperation(document, 'Large', {}).listItems).toBe(1000);
    expect(estimateOperation(document, 'Small', {}).listItems).toBe(0);
    expect(estimateOperation(document, 'Missing', {})).toEqual({ cost: 0, listItems: 0 });
  });
});
