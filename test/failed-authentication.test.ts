import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Throttling of failed authentications (server.limits.authFailuresPerMinute), on the GraphQL
 * endpoint and the v1 compat route alike. Through yoga.fetch every request comes from one
 * address, as from one NAT, one host, or a proxy brokerql was not told to trust.
 */

const wrongToken = 'bql_wrongwrongwr_' + 'x'.repeat(43);
const compat = (gateway: Stack['gateway'], token: string) =>
  gateway.yoga.fetch('http://brokerql.test/compat/tinkoff-v1?action=/user/accounts', { headers: { authorization: `Bearer ${token}` } });

describe('failed authentications from one address', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ server: { limits: { authFailuresPerMinute: 5 } } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.tinkoff.server.resetCounters());

  it('refuse further failures with 429, and call no broker for them', async () => {
    for (let attempt = 0; attempt < 20; attempt++) await graphql(stack.gateway, '{ viewer { name } }', { token: wrongToken });
    const refused = await graphql(stack.gateway, '{ accounts { id } }', { token: wrongToken });
    expect(refused.status).toBe(429);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.errors![0]!.extensions['retryAfterSeconds']).toBeGreaterThan(0);
    expect((await compat(stack.gateway, wrongToken)).status).toBe(429);
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('never lock out a valid token from that address, on GraphQL or the compat route', async () => {
    for (let attempt = 0; attempt < 20; attempt++) await graphql(stack.gateway, '{ viewer { name } }', { token: wrongToken });
    const served = await graphql(stack.gateway, '{ viewer { name } }', { token: stack.readToken });
    expect(served.status).toBe(200);
    expect(served.data).toEqual({ viewer: { name: 'test-read' } });
    const compatServed = await compat(stack.gateway, stack.readToken);
    expect(compatServed.status).toBe(200);
    // ...while the guessing goes on being refused.
    expect((await graphql(stack.gateway, '{ viewer { name } }', { token: wrongToken })).status).toBe(429);
  });
});

describe('failed authentications behind a reverse proxy (trustProxy)', () => {
  let proxied: Stack;
  beforeAll(async () => {
    proxied = await startStack({ server: { trustProxy: true, limits: { authFailuresPerMinute: 3 } } });
  });
  afterAll(() => proxied.close());

  const from = (forwardedFor: string, token = wrongToken) =>
    graphql(proxied.gateway, '{ viewer { name } }', { token, headers: { 'x-forwarded-for': forwardedFor } });

  it('counts failures against the address the proxy appended, whatever the client put before it', async () => {
    for (let attempt = 0; attempt < 3; attempt++) expect((await from(`10.9.9.${attempt}, 203.0.113.7`)).status).toBe(401);
    // A new invented first entry does not make a new client.
    expect((await from('10.9.9.99, 203.0.113.7')).status).toBe(429);
    // Another real client behind the same proxy is not punished for it.
    expect((await from('203.0.113.8')).status).toBe(401);
    const other = await from('203.0.113.8', proxied.readToken);
    expect(other.status).toBe(200);
    expect(other.data).toEqual({ viewer: { name: 'test-read' } });
  });
});

describe('X-Forwarded-For without trustProxy', () => {
  const warnings: Array<Record<string, unknown>> = [];
  let stack: Stack;
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed['level'] === 40) warnings.push(parsed);
        }
        done();
      },
    });
    stack = await startStack({ logger: createLogger({ level: 'info', pretty: false, destination }) });
  });
  afterAll(() => stack.close());

  const readiness = async () => (await (await stack.gateway.yoga.fetch('http://brokerql.test/readyz')).json()) as { warnings: string[] };

  it('is warned about once in the log and listed by /readyz: every client behind that proxy shares one address', async () => {
    await graphql(stack.gateway, '{ viewer { name } }', { token: stack.readToken });
    expect((await readiness()).warnings).toEqual([]);
    expect(warnings).toEqual([]);

    for (let request = 0; request < 3; request++) {
      await graphql(stack.gateway, '{ viewer { name } }', { token: stack.readToken, headers: { 'x-forwarded-for': '203.0.113.7' } });
    }
    await compat(stack.gateway, stack.readToken);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!['msg']).toMatch(/X-Forwarded-For.*server\.trustProxy is false/);
    const [listed] = (await readiness()).warnings;
    expect(listed).toMatch(/X-Forwarded-For.*server\.trustProxy/);
  });
});
