import { GraphQLScalarType, Kind } from 'graphql';
import { describeReceived } from '../brokers/identifiers.js';
import { decimalInputLimitRule, isPlainDecimal, isWithinDecimalInputLimits, normalizeDecimal } from '../decimal.js';
import { BadUserInputError, InternalError } from '../errors.js';

const decimalRule = 'Decimal must be a plain decimal number written as a string, such as "281.99" (no exponent, no spaces)';

function readDecimal(text: string): string {
  // The limits first, on the text: nothing below may spend time or memory on a 90 KB number.
  if (!isWithinDecimalInputLimits(text)) throw new BadUserInputError(`a Decimal has ${decimalInputLimitRule}; received ${describeReceived(text)}`);
  if (!isPlainDecimal(text)) throw new BadUserInputError(`${decimalRule}; received ${describeReceived(text)}`);
  return normalizeDecimal(text);
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number, serialized as a string such as "281.99".',
  serialize(value) {
    // Amounts are strings from the upstream body on; a number here would mean a float slipped in.
    if (typeof value !== 'string' || !isPlainDecimal(value)) {
      throw new InternalError(`refusing to serialize a non-decimal amount (${typeof value})`);
    }
    return value;
  },
  parseValue(value) {
    if (typeof value === 'number') {
      throw new BadUserInputError(`${decimalRule}; received the JSON number ${value}, which may already have lost precision`);
    }
    if (typeof value !== 'string') throw new BadUserInputError(`${decimalRule}; received ${typeof value}`);
    return readDecimal(value);
  },
  parseLiteral(ast) {
    // In the query text a number literal keeps its exact source text, so 281.99 is as good as "281.99".
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return readDecimal(ast.value);
    throw new BadUserInputError(`${decimalRule}; received a ${ast.kind.toLowerCase()} literal`);
  },
});

const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const dateTimeRule = 'DateTime must be ISO-8601 with an offset, such as "2024-03-15T11:02:10+03:00" or "2024-03-15T08:02:10Z"';

function readDateTime(text: string): string {
  if (!dateTimePattern.test(text) || Number.isNaN(Date.parse(text))) {
    throw new BadUserInputError(`${dateTimeRule}; received ${JSON.stringify(text).slice(0, 60)}`);
  }
  return text;
}

export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'ISO-8601 date-time with an offset.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new InternalError(`refusing to serialize an invalid date-time (${typeof value})`);
    }
    return value;
  },
  parseValue(value) {
    if (typeof value !== 'string') throw new BadUserInputError(`${dateTimeRule}; received ${typeof value}`);
    return readDateTime(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new BadUserInputError(`${dateTimeRule}; received a ${ast.kind.toLowerCase()} literal`);
    return readDateTime(ast.value);
  },
});
