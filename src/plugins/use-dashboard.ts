import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { Plugin } from 'graphql-yoga';

export interface DashboardOptions {
  /**
   * Where the built page is: dist/dashboard beside src/ and dist/ (the same relative URL works
   * from both), written by `npm run build` (dashboard/build.ts). Tests build into a directory of
   * their own and give it here.
   */
  directory?: URL;
  /** The path the page is served at. */
  path?: string;
}

/**
 * The page may run only its own bundled script and style, talk only to this gateway (fetch and
 * the WebSocket of /graphql), and may not be framed, submit forms elsewhere or change its base:
 * a token pasted into it can only ever be sent to the server that served it.
 */
export const dashboardContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: Record<string, string> = {
  'content-security-policy': dashboardContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Nothing of the page's address leaves with a request (there is no token in it, but no need either).
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  // The browser checks again on each load (an ETag answers), so an upgrade shows at once.
  'cache-control': 'no-cache',
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
}

/** The built files by name, read once: a fixed list, so no request path ever reaches the file system. */
async function readAssets(directory: URL): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const name of await readdir(directory)) {
    const extension = name.slice(name.lastIndexOf('.'));
    const contentType = contentTypes[extension];
    if (!contentType || !/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(name)) continue;
    const bytes = await readFile(new URL(name, directory));
    const body = new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
    assets.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` });
  }
  if (!assets.has('index.html')) throw new Error('index.html is missing');
  return assets;
}

/**
 * The read-only dashboard: a static page (dashboard/, bundled with esbuild into dist/dashboard)
 * that asks for a READ token and then uses only the public GraphQL API with it. Served from
 * memory with a strict Content-Security-Policy and the usual hardening headers.
 */
export function useDashboard({ directory = new URL('../../dist/dashboard/', import.meta.url), path = '/dashboard' }: DashboardOptions = {}): Plugin {
  let assets: Promise<Map<string, Asset>> | undefined;
  const load = () =>
    (assets ??= readAssets(directory).catch((error: unknown) => {
      // Not kept: a build finished later is picked up by the next load.
      assets = undefined;
      throw error;
    }));

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== path && !url.pathname.startsWith(`${path}/`)) return;
      const respond = (status: number, body: BodyInit | null, headers: Record<string, string> = {}) =>
        endResponse(new fetchAPI.Response(body, { status, headers: { ...securityHeaders, ...headers } }));
      if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, null, { allow: 'GET, HEAD' });
      const name = url.pathname === path || url.pathname === `${path}/` ? 'index.html' : url.pathname.slice(path.length + 1);
      let files: Map<string, Asset>;
      try {
        files = await load();
      } catch {
        return respond(503, 'The dashboard is not built: run `npm run build` (it writes dist/dashboard).\n', { 'content-type': 'text/plain; charset=utf-8' });
      }
      const asset = files.get(name);
      if (!asset) return respond(404, 'Not found\n', { 'content-type': 'text/plain; charset=utf-8' });
      const headers = { 'content-type': asset.contentType, etag: asset.etag };
      if (request.headers.get('if-none-match')?.split(',').some((candidate) => candidate.trim() === asset.etag)) return respond(304, null, headers);
      respond(200, request.method === 'HEAD' ? null : asset.body, { ...headers, 'content-length': String(asset.body.length) });
    },
  };
}
