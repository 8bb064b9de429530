import { Kind, type ValueNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BadUserInputError, InternalError } from '../src/errors.js';
import { DateTimeScalar, DecimalScalar } from '../src/resolvers/scalars.js';

const literal = (kind: Kind.STRING | Kind.INT | Kind.FLOAT, value: string) => ({ kind, value }) as ValueNode;

describe('Decimal scalar', () => {
  it.each(['281.99', '0', '-12.5', '100', '0.000000001', '12345678901234567890.123456789'])('accepts %s', (text) => {
    expect(DecimalScalar.parseValue(text)).toBe(text);
  });

  it('normalizes trailing zeros, keeping every significant digit', () => {
    expect(DecimalScalar.parseValue('281.990')).toBe('281.99');
    expect(DecimalScalar.parseValue('-0')).toBe('0');
  });

  it.each(['1e3', '1E+4', '12,5', ' 12', '+5', '.5', '5.', 'NaN', 'Infinity', '0x10', '', 'abc'])('refuses %j', (text) => {
    expect(() => DecimalScalar.parseValue(text)).toThrow(BadUserInputError);
  });

  it('refuses JSON numbers in variables, which may already have lost precision', () => {
    expect(() => DecimalScalar.parseValue(0.1)).toThrow(/JSON number/);
    expect(() => DecimalScalar.parseValue(true)).toThrow(BadUserInputError);
  });

  it('reads number literals in the query text exactly, but not exponents', () => {
    expect(DecimalScalar.parseLiteral(literal(Kind.FLOAT, '281.99'))).toBe('281.99');
    expect(DecimalScalar.parseLiteral(literal(Kind.INT, '42'))).toBe('42');
    expect(DecimalScalar.parseLiteral(literal(Kind.STRING, '0.002'))).toBe('0.002');
    expect(() => DecimalScalar.parseLiteral(literal(Kind.FLOAT, '1e3'))).toThrow(BadUserInputError);
    expect(() => DecimalScalar.parseLiteral({ kind: Kind.BOOLEAN, value: true } as ValueNode)).toThrow(BadUserInputError);
  });

  it('refuses to serialize anything but a decimal string, so a float can never reach a client', () => {
    expect(DecimalScalar.serialize('-0.35')).toBe('-0.35');
    expect(() => DecimalScalar.serialize(0.35)).toThrow(InternalError);
    expect(() => DecimalScalar.serialize('3.5e-1')).toThrow(InternalError);
  });
});

describe('DateTime scalar', () => {
  it.each(['2024-03-15T11:02:10+03:00', '2024-03-15T08:02:10Z', '2024-03-15T08:02:10.514Z', '2021-02-08T23:16:21.909026+03:00'])(
    'accepts %s',
    (text) => {
      expect(DateTimeScalar.parseValue(text)).toBe(text);
    },
  );

  it.each(['2024-03-15', '2024-03-15T08:02:10', 'yesterday', '2024-13-45T99:00:00Z'])('refuses %s', (text) => {
    expect(() => DateTimeScalar.parseValue(text)).toThrow(BadUserInputError);
  });

  it('serializes dates and valid strings only', () => {
    expect(DateTimeScalar.serialize(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000Z');
    expect(() => DateTimeScalar.serialize('not a date')).toThrow(InternalError);
  });
});

describe('decimal normalization without big.js', () => {
  it('writes the same canonical text big.js writes', async () => {
    const { decimalFromJsonNumber, normalizeDecimal } = await import('../src/decimal.js');
    const cases: Array<[string, string]> = [
      ['0', '0'],
      ['-0', '0'],
      ['-0.0', '0'],
      ['0.000', '0'],
      ['012.3400', '12.34'],
      ['100', '100'],
      ['100.0', '100'],
      ['-12.50', '-12.5'],
      ['0.0001000', '0.0001'],
      ['00.5', '0.5'],
      ['-00012', '-12'],
      ['12345678901234567890.123456789012345678900', '12345678901234567890.1234567890123456789'],
      ['1E+4', '10000'],
      ['6.76E+3', '6760'],
      ['-1.5e-3', '-0.0015'],
      ['0.5', '0.5'],
      ['-7.25', '-7.25'],
      ['10', '10'],
      ['1.0500', '1.05'],
    ];
    for (const [input, expected] of cases) {
      expect(decimalFromJsonNumber(input), input).toBe(expected);
      if (!/e/i.test(input)) expect(normalizeDecimal(input), input).toBe(expected);
    }
    for (const input of ['', '1.', '.5', 'abc', '--1', '1e', '0x10', ' 1']) expect(() => decimalFromJsonNumber(input), input).toThrow(/expected a JSON number/);
  });
});

describe('decimal arithmetic fast paths', () => {
  it('negates, adds and tests for zero exactly as big.js does', async () => {
    const { default: Big } = await import('big.js');
    const { addDecimals, isZeroDecimal, negateDecimal } = await import('../src/decimal.js');
    const canonical = (value: InstanceType<typeof Big>) => (value.eq(0) ? '0' : value.toFixed());
    const values = ['0', '-0', '0.000', '00.0', '12', '-12.50', '0.0001000', '281.99', '-0.35', '12345678901234567890.123456789012345678900', '1E+4', '-1.5e-3', '0e5'];
    for (const value of values) {
      expect(negateDecimal(value), value).toBe(canonical(new Big(value).times(-1)));
      expect(isZeroDecimal(value), value).toBe(new Big(value).eq(0));
      for (const other of values) {
        expect(addDecimals(value, other), `${value} + ${other}`).toBe(canonical(new Big(value).plus(other)));
      }
    }
    expect(addDecimals()).toBe('0');
    expect(addDecimals('1.10', '2.205', '-0.005')).toBe('3.3');
  });
});
