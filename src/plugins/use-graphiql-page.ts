import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

export interface GraphiQLPageOptions {
  /** What the page shows: title, default query, the headers editor's default headers (demo: a READ token). */
  options: GraphiQLOptions;
  graphqlEndpoint: string;
}

interface RenderedPage {
  html: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
  etag: string;
}

const compress = promisify(gzip);

/**
 * GraphiQL for browsers at the GraphQL endpoint, rendered once and then served from memory.
 * The bundled page is 9 MB: rendering it per request (yoga's default) made every browser load
 * allocate it anew, and twenty at once took a 256 MB heap down. The page depends only on this
 * gateway's options, so it is rendered on the first load, gzipped once, and every later load
 * shares the same bytes; a browser that has it already gets a 304.
 */
export function useGraphiQLPage({ options, graphqlEndpoint }: GraphiQLPageOptions): Plugin {
  let page: Promise<RenderedPage> | undefined;
  const render = async (): Promise<RenderedPage> => {
    // Loaded on the first page load only: the bundled GraphiQL is a 32 MB module.
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    const html = Buffer.from(renderGraphiQL(options));
    const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 32)}"`;
    const gzipped: Buffer = await compress(html);
    return { html, gzipped: new Uint8Array(gzipped.buffer as ArrayBuffer, gzipped.byteOffset, gzipped.length), etag };
  };

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' || !request.headers.get('accept')?.includes('text/html')) return;
      if (url.pathname !== graphqlEndpoint && url.pathname !== `${graphqlEndpoint}/`) return;
      // A failed render is not kept: the next load tries again.
      page ??= render().catch((error: unknown) => {
        page = undefined;
        throw error;
      });
      const { html, gzipped, etag } = await page;
      const headers: Record<string, string> = {
        'content-type': 'text/html; charset=utf-8',
        etag,
        // The page may carry a token (the demo's headers editor): no shared cache may keep it,
        // and the browser asks again each time, which the ETag answers with an empty 304.
        'cache-control': 'private, no-cache',
        vary: 'accept-encoding',
      };
      if (request.headers.get('if-none-match')?.split(',').some((candidate) => candidate.trim() === etag)) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      const acceptsGzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
      const body = acceptsGzip ? gzipped : html;
      endResponse(
        new fetchAPI.Response(body, {
          status: 200,
          headers: { ...headers, ...(acceptsGzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(body.length) },
        }),
      );
    },
  };
}
