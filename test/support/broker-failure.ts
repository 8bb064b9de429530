import { expect } from 'vitest';
import { BrokerqlError } from '../../src/errors.js';

/**
 * Awaits a broker call that must fail, and checks what every adapter owes its callers: a
 * brokerql error naming the connection, whose message carries no upstream address and none of
 * `secrets`. Returns the error for the test's own assertions.
 */
export async function brokerFailure(promise: Promise<unknown>, connection: string, secrets: readonly string[]): Promise<BrokerqlError> {
  const brokerError = await failure(promise);
  expect(brokerError.connection).toBe(connection);
  expect(brokerError.message).not.toContain('127.0.0.1');
  for (const secret of secrets) expect(brokerError.message).not.toContain(secret);
  return brokerError;
}

/** Awaits a call that must fail with a brokerql error, and returns it. */
export async function failure(promise: Promise<unknown>): Promise<BrokerqlError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BrokerqlError);
  return error as BrokerqlError;
}
