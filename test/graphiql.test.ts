import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { CliProcess, runCliInProcess } from './support/cli.js';
import { startStack, type Stack } from './support/stack.js';
import { temporaryDirectory } from './support/temporary-directory.js';

const directory = temporaryDirectory('brokerql-graphiql');
const browser = { accept: 'text/html,application/xhtml+xml' };

/**
 * Loads the page as a browser would (gzip accepted) on a connection of its own, keeping only the
 * digest of the unpacked page: a hundred 9 MB pages never sit in this process's memory at once.
 */
function loadPage(url: string): Promise<{ status: number | undefined; type: string | undefined; digest: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, headers: { ...browser, 'accept-encoding': 'gzip' } }, (response) => {
      const hash = createHash('sha256');
      const body = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
      body.on('data', (chunk: Buffer) => hash.update(chunk));
      body.on('error', reject);
      body.on('end', () => resolve({ status: response.statusCode, type: response.headers['content-type'], digest: hash.digest('hex') }));
    });
    request.on('error', reject);
  });
}

describe('GraphiQL under load', () => {
  const simulator = createTinkoffSimulator({ rateLimits: false });
  beforeAll(() => simulator.server.start());
  afterAll(() => simulator.server.stop());

  it('serves 100 concurrent page loads from a gateway with a 256 MB heap, which stays healthy', { timeout: 120_000 }, async () => {
    const file = path.join(directory, 'graphiql.yaml');
    writeFileSync(
      file,
      `server:\n  port: 0\ndataDir: ${path.join(directory, 'data')}\nconnections:\n  - id: tbank\n    broker: tinkoff\n    token: \${TOKEN}\n    baseUrl: ${simulator.baseUrl}\n`,
    );
    const environment = { TOKEN: tinkoffSimulatorTokens.full };
    const created = await runCliInProcess(['token', 'create', '--name', 'graphiql', '--scope', 'read', '--config', file], environment);
    const secret = created.stdout.trim();
    // The container's heap ceiling (Dockerfile: NODE_OPTIONS=--max-old-space-size=256).
    const gateway = new CliProcess(['serve', '--config', file], { ...environment, LOG_LEVEL: 'info', NODE_OPTIONS: '--max-old-space-size=256' });
    const [, base] = await gateway.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/);

    const loads = await Promise.all(Array.from({ length: 100 }, () => loadPage(`${base}/graphql`)));
    expect(loads.every((load) => load.status === 200 && load.type?.startsWith('text/html'))).toBe(true);
    expect(new Set(loads.map((load) => load.digest)).size).toBe(1);

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const query = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ accounts { id } }' }),
    });
    const answer = (await query.json()) as { data: { accounts: Array<{ id: string }> }; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(answer.data.accounts.map((account) => account.id)).toEqual(expect.arrayContaining(['tbank:2000345678', 'tbank:2008765432']));
    expect(gateway.child.exitCode).toBeNull();
    gateway.child.kill('SIGTERM');
    expect(await gateway.exit()).toBe(0);
  });
});

describe('GraphiQL page', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ graphiqlHeaders: { Authorization: 'Bearer bql_demo-read-token' } });
  });
  afterAll(() => stack.close());

  const load = (headers: Record<string, string> = {}) => stack.gateway.yoga.fetch('http://brokerql.test/graphql', { headers: { ...browser, ...headers } });

  it('is the same page every time, with a validator the browser can revalidate against (304)', async () => {
    const first = await load();
    const second = await load();
    expect(first.status).toBe(200);
    const page = await first.text();
    expect(await second.text()).toBe(page);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(second.headers.get('etag')).toBe(etag);
    // The demo's page carries a token in its headers editor: no shared cache may keep it, the browser revalidates.
    expect(first.headers.get('cache-control')).toBe('private, no-cache');

    const revalidated = await load({ 'if-none-match': etag! });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect((await load({ 'if-none-match': '"something-else"' })).status).toBe(200);
  });

  it('keeps the per-gateway default headers (the demo puts its READ token there)', async () => {
    const page = await (await load()).text();
    expect(page).toContain('bql_demo-read-token');
    expect(page).toContain('<title>brokerql</title>');
  });

  it('is not served at all when server.graphiql is false', async () => {
    const closed = await startStack({ server: { graphiql: false } });
    try {
      const response = await closed.gateway.yoga.fetch('http://brokerql.test/graphql', { headers: browser });
      expect(response.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    } finally {
      await closed.close();
    }
  });
});
