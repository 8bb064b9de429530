import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardContentSecurityPolicy } from '../src/plugins/use-dashboard.js';
import { builtDashboard } from './support/dashboard.js';
import { startStack, type Stack } from './support/stack.js';
import { temporaryDirectory } from './support/temporary-directory.js';

/** /dashboard over HTTP: what is served, with which headers, and nothing else. */

let directory: URL;
let stack: Stack;
beforeAll(async () => {
  directory = await builtDashboard();
  stack = await startStack({ dashboardDirectory: directory });
});
afterAll(() => stack.close());

const get = (path: string, headers: Record<string, string> = {}) => stack.gateway.yoga.fetch(`http://localhost${path}`, { headers });

describe('/dashboard', () => {
  it('serves the page and its assets with a strict Content-Security-Policy and hardening headers', async () => {
    for (const [path, type] of [
      ['/dashboard', 'text/html; charset=utf-8'],
      ['/dashboard/', 'text/html; charset=utf-8'],
      ['/dashboard/app.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/app.css', 'text/css; charset=utf-8'],
      ['/dashboard/favicon.svg', 'image/svg+xml'],
    ] as const) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('content-security-policy')).toBe(dashboardContentSecurityPolicy);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    const policy = dashboardContentSecurityPolicy;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('answers 304 to a browser that has the page already', async () => {
    const first = await get('/dashboard/app.js');
    const again = await get('/dashboard/app.js', { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('refers to nothing outside the gateway: no CDN, no inline script or style', async () => {
    const html = await (await get('/dashboard')).text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference).toMatch(/^\/dashboard\/[a-z0-9.-]+$/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    const css = await (await get('/dashboard/app.css')).text();
    expect(css).not.toMatch(/@import|url\(/);
  });

  it('serves only the built files: anything else under /dashboard is 404, a write is 405', async () => {
    for (const path of ['/dashboard/nope.js', '/dashboard/%2e%2e/package.json', '/dashboard/..%2fpackage.json', '/dashboard/build.ts', '/dashboard/src/main.ts']) {
      expect((await get(path)).status, path).toBe(404);
    }
    const post = await stack.gateway.yoga.fetch('http://localhost/dashboard', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
  });

  it('is the built bundle, not the sources', async () => {
    const served = await (await get('/dashboard/app.js')).text();
    expect(served).toBe(await readFile(new URL('app.js', directory), 'utf8'));
    expect(served).not.toMatch(/\beval\(|new Function\(/);
  });
});

describe('/dashboard switched off or not built', () => {
  it('answers 404 with server.dashboard: false', async () => {
    const off = await startStack({ server: { dashboard: false }, dashboardDirectory: directory });
    try {
      expect((await off.gateway.yoga.fetch('http://localhost/dashboard')).status).toBe(404);
      expect((await off.gateway.yoga.fetch('http://localhost/dashboard/app.js')).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('says how to build it when the assets are missing', async () => {
    const empty = await startStack({ dashboardDirectory: new URL(`file://${temporaryDirectory('brokerql-no-dashboard')}/`) });
    try {
      const response = await empty.gateway.yoga.fetch('http://localhost/dashboard');
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/npm run build/);
    } finally {
      await empty.close();
    }
  });
});
