import { parse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { jsonDecimal, jsonInteger, parseJsonExact } from '../src/brokers/json.js';

/** The reference reading: every number as the text it was written as. */
const lossless = (text: string) => parse(text, undefined, (source: string) => source);

/** Decimals as the adapters see them, from either reading. */
function decimalsOf(value: unknown): unknown {
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return jsonDecimal.parse(value);
  if (Array.isArray(value)) return value.map(decimalsOf);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, decimalsOf(inner)]));
  return value;
}

describe('parseJsonExact', () => {
  it('reads every number as text whose value equals what was written', () => {
    const text =
      '{"price":281.99,"commission":-0.35,"round":60.0,"big":1E+4,"small":6.76E-3,"zero":-0,"lots":12,' +
      '"nested":[{"qty":1.000000001,"name":"SBER 1.5"},[0.1,0.2,0.3]],"flag":true,"none":null,"id":"8800002997"}';
    const fast = parseJsonExact(text);
    expect(fast).toMatchObject({ price: '281.99', lots: '12', flag: true, none: null, id: '8800002997', nested: [{ name: 'SBER 1.5' }, ['0.1', '0.2', '0.3']] });
    expect(decimalsOf(fast)).toEqual(decimalsOf(lossless(text)));
    expect(jsonDecimal.parse((fast as { big: string }).big)).toBe('10000');
    expect(jsonDecimal.parse((fast as { small: string }).small)).toBe('0.00676');
    expect(jsonInteger.parse((fast as { lots: string }).lots)).toBe(12);
  });

  it('keeps the exact text of numbers a double cannot hold: 16+ digits, 3-digit exponents', () => {
    const text = '{"a":0.12345678901234567890,"b":12345678901234567890,"c":1234567890.123456789,"d":1E+400,"e":5e-324}';
    expect(parseJsonExact(text)).toEqual({ a: '0.12345678901234567890', b: '12345678901234567890', c: '1234567890.123456789', d: '1E+400', e: '5e-324' });
  });

  it('reads with the exact parser exactly when some number may not fit a double', () => {
    // The fast path writes "60.0" back as "60"; the exact parser keeps the text.
    const reader = (value: string) => ((parseJsonExact(`[60.0,${value}]`) as string[])[0] === '60.0' ? 'exact' : 'fast');
    expect(reader('123456789012345')).toBe('fast');
    expect(reader('-12345678.9012345')).toBe('fast');
    expect(reader('1234567890123456')).toBe('exact');
    expect(reader('12345678.90123456')).toBe('exact');
    expect(reader('1e99')).toBe('fast');
    expect(reader('1E-300')).toBe('exact');
    expect(reader('1e+300')).toBe('exact');
    // An exponent only after a digit; and what is inside a string is no number at all, however it
    // reads (a T-Invest uid's "…-5e665…", a long account number), escaped quotes included.
    expect(reader('"E123"')).toBe('fast');
    expect(reader('[1E123]')).toBe('exact');
    expect(reader('"1E123"')).toBe('fast');
    expect(reader('"8800000000"')).toBe('fast');
    expect(reader('"12345678901234567890"')).toBe('fast');
    expect(reader('{"uid":"6afa6f80-03a7-4d83-9cf0-5e665b9e9a3b"}')).toBe('fast');
    expect(reader('["say \\"1E123\\" again"]')).toBe('fast');
    expect(reader('["\\\\", "1234567890123456"]')).toBe('fast');
    expect(reader('["\\\\", 1E123]')).toBe('exact');
  });

  it('agrees with the exact reference on many generated numbers of up to 15 digits', () => {
    // Deterministic: a linear congruential sequence of digits, signs, fractions and exponents.
    let seed = 12345;
    const next = (limit: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % limit;
    const numbers: string[] = [];
    for (let index = 0; index < 2000; index++) {
      const integer = String(next(10) === 0 ? 0 : next(1_000_000_000));
      const fraction = next(2) === 0 ? '' : `.${String(next(1_000_000)).padStart(next(6) + 1, '0')}`;
      const exponent = next(5) === 0 ? `${next(2) === 0 ? 'e' : 'E'}${['', '+', '-'][next(3)]}${next(30)}` : '';
      numbers.push(`${next(3) === 0 ? '-' : ''}${integer}${fraction}${exponent}`);
    }
    const text = `[1.50,${numbers.join(',')}]`;
    const read = parseJsonExact(text) as string[];
    // "1.50" read back as "1.5" shows the fast path read this text, not the reference parser.
    expect(read[0]).toBe('1.5');
    expect(decimalsOf(read)).toEqual(decimalsOf(lossless(text)));
  });

  it('refuses what is not JSON, on either path', () => {
    for (const text of ['{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":+1}', '{"a":NaN}', '{"a":1', '{"a":12345678901234567890,}']) {
      expect(() => parseJsonExact(text), text).toThrow();
    }
  });
});
