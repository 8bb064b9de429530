import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../src/secrets.js';

describe('the secret registry', () => {
  it('scrubs a credential and its URL-encoded form, and leaves very short values alone', () => {
    const secrets = new SecretRegistry();
    secrets.add('t.token/with+signs');
    secrets.add('abc');
    expect(secrets.redact('a t.token/with+signs b t.token%2Fwith%2Bsigns c abc')).toBe('a [redacted] b [redacted] c abc');
  });

  it('keeps the last three values of a rotating credential per owner, so a long-running gateway does not collect them all', () => {
    const secrets = new SecretRegistry();
    const alorConnection = {};
    const otherConnection = {};
    secrets.addRotating(otherConnection, 'other-access-token-1');
    const issued = Array.from({ length: 10 }, (_, index) => `access-token-${index}-of-alor`);
    for (const token of issued) secrets.addRotating(alorConnection, token);

    for (const recent of issued.slice(-3)) expect(secrets.redact(`echo ${recent}`)).toBe('echo [redacted]');
    // Replaced long ago (and expired at the broker): no longer scanned for.
    expect(secrets.redact(`echo ${issued[0]}`)).toBe(`echo ${issued[0]}`);
    // Another owner's rotation is its own.
    expect(secrets.redact('echo other-access-token-1')).toBe('echo [redacted]');
    // The same value again does not push out its predecessors.
    secrets.addRotating(alorConnection, issued[9]!);
    expect(secrets.redact(`echo ${issued[7]}`)).toBe('echo [redacted]');
  });
});
