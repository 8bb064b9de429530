import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamClient } from '../src/brokers/http.js';
import { failure } from './support/broker-failure.js';

/**
 * The transport's one HTTP exchange (src/brokers/exchange.ts) against a real server on loopback
 * that answers the way brokers and the proxies in front of them sometimes do: a byte order mark,
 * multi-byte text split across chunks, an informational answer first, an answer far too large, no
 * answer at all.
 */

const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/rest/bom': (_request, response) => {
    const text = Buffer.from('{"name":"Сбербанк"}', 'utf8');
    response.writeHead(200, { 'content-type': 'application/json' });
    // The BOM, then the text cut in the middle of a two-byte letter.
    response.write(Buffer.from([0xef, 0xbb, 0xbf]));
    response.write(text.subarray(0, 10));
    setTimeout(() => response.end(text.subarray(10)), 10);
  },
  '/rest/early-hints': (_request, response) => {
    response.writeEarlyHints({ link: '</style.css>; rel=preload' });
    response.writeHead(201, { 'x-final': 'yes' }).end('{}');
  },
  '/rest/echo': (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => response.writeHead(200).end(JSON.stringify({ method: request.method, url: request.url, body, token: request.headers['authorization'] })));
  },
  '/rest/huge': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const more = () => {
      while (sent < 40 && !response.destroyed) {
        sent += 1;
        if (!response.write(chunk)) return void response.once('drain', more);
      }
      response.end();
    };
    more();
  },
  '/rest/silent': () => undefined,
};

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((request, response) => routes[new URL(request.url ?? '/', 'http://x').pathname]?.(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rest/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = (timeoutMilliseconds = 2_000) =>
  new UpstreamClient({ connection: 'test', brokerLabel: 'Test broker', baseUrl, connectTimeoutMilliseconds: 1_000, timeoutMilliseconds });

describe('one exchange with a broker', () => {
  it('sends the path below the base URL, the query, headers and body as given', async () => {
    const http = client();
    const response = await http.send({ method: 'POST', path: '/echo', query: { a: 'x y', b: 2, c: undefined }, headers: { authorization: 'Bearer t' }, body: '{"k":1}', route: 'echo' });
    expect(JSON.parse(response.text)).toEqual({ method: 'POST', url: '/rest/echo?a=x+y&b=2', body: '{"k":1}', token: 'Bearer t' });
    await http.close();
  });

  it('reads the text as UTF-8 without its byte order mark, whatever the chunks', async () => {
    const http = client();
    const response = await http.send({ method: 'GET', path: '/bom', route: 'bom' });
    expect(response.text).toBe('{"name":"Сбербанк"}');
    await http.close();
  });

  it('answers with the final response, not an informational one before it', async () => {
    const http = client();
    const response = await http.send({ method: 'GET', path: '/early-hints', route: 'early-hints' });
    expect(response.status).toBe(201);
    expect(response.headers['x-final']).toBe('yes');
    expect(response.text).toBe('{}');
    await http.close();
  });

  it('stops reading an answer past 16 MiB', async () => {
    const http = client(10_000);
    const error = await failure(http.send({ method: 'GET', path: '/huge', route: 'huge', retryable: false }));
    expect(error.message).toBe('Test broker is unreachable (response too large)');
    await http.close();
  });

  it('gives up on a broker that does not answer within the timeout', async () => {
    const http = client(300);
    const error = await failure(http.send({ method: 'GET', path: '/silent', route: 'silent', retryable: false }));
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'Test broker did not answer within 0.3s' });
    await http.close();
  });

  it('stops with its caller, and the broker sees the connection close', async () => {
    const http = client();
    const controller = new AbortController();
    const closed = new Promise<void>((resolve) => server.once('request', (request: IncomingMessage) => request.socket.once('close', resolve)));
    const call = http.send({ method: 'GET', path: '/silent', route: 'silent', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    const error = await failure(call);
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    await closed;
    await http.close();
  });
});
