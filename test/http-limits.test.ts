import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { serve, type ServingGateway } from '../src/server.js';
import { openConnection, streamBody, waitForResponse, type RawConnection } from './support/raw-http.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * The HTTP server's own limits, met over a real port: request bodies, slow and silent clients,
 * the number of connections. None of these can be seen through yoga.fetch.
 */

const logLines: Array<Record<string, unknown>> = [];
const captured = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let stack: Stack;
let serving: ServingGateway;
let port: number;

beforeAll(async () => {
  stack = await startStack({
    logger: createLogger({ level: 'debug', pretty: false, destination: captured }),
    server: { port: 0, headersTimeoutMs: 1_000, bodyTimeoutMs: 2_000, limits: { maxConnections: 4 } },
  });
  serving = await serve(stack.gateway);
  port = serving.server.port;
});
afterAll(async () => {
  await serving.stop();
  await stack.close();
});

const orderPath = '/compat/tinkoff-v1?action=/orders/limit-order&figi=BBG004730N88&brokerAccountId=2000345678';
/** Far past the 100 KiB default limit, and far more than the socket buffers between client and server can hold. */
const hugeBody = 128 * 1024 * 1024;
const readEarly = hugeBody / 4;
const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);

describe('request bodies (server.limits.maxRequestBytes)', () => {
  it('refuses an oversized compat order body with 413 while reading it, long before it has all arrived', async () => {
    const upload = await streamBody(port, orderPath, { authorization: `Bearer ${stack.tradeToken}`, 'content-type': 'application/json' }, hugeBody);
    expect(statusOf(upload.response)).toBe(413);
    expect(upload.bodyBytesSent).toBeLessThan(readEarly);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
  });

  it('answers a READ token on the compat order route without reading its body at all', async () => {
    const upload = await streamBody(port, orderPath, { authorization: `Bearer ${stack.readToken}`, 'content-type': 'application/json' }, hugeBody);
    expect(statusOf(upload.response)).toBe(200);
    expect(upload.response).toContain('OrderNotAvailable');
    expect(upload.bodyBytesSent).toBeLessThan(readEarly);
  });

  it('refuses an oversized GraphQL body the same way', async () => {
    const upload = await streamBody(port, '/graphql', { authorization: `Bearer ${stack.readToken}`, 'content-type': 'application/json' }, hugeBody);
    expect(statusOf(upload.response)).toBe(413);
    expect(upload.response).toContain('BAD_USER_INPUT');
    expect(upload.bodyBytesSent).toBeLessThan(readEarly);
  });

  it('reads no further on a route that answers without reading the body', async () => {
    const upload = await streamBody(port, '/healthz', {}, hugeBody, { afterAnswer: true });
    expect(statusOf(upload.response)).toBe(200);
    expect(upload.bodyBytesSent).toBeLessThan(readEarly);
  });

  it('refuses a declared Content-Length past the limit before reading anything', async () => {
    for (const path of [orderPath, '/graphql', '/readyz']) {
      const connection = await openConnection(port);
      connection.socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${stack.tradeToken}\r\ncontent-type: application/json\r\ncontent-length: 300000000\r\n\r\n`);
      const response = await waitForResponse(connection, (received) => received.includes('\r\n\r\n'));
      expect(statusOf(response)).toBe(413);
      await connection.closed;
    }
  });

  it('never reads a body past its declared Content-Length: what follows it is the next request', async () => {
    const connection = await openConnection(port);
    const declared = '{"query":"{ __typename }"}';
    const head = (length: number) =>
      `POST /graphql HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${stack.readToken}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
    // Read as the first request's body, the bytes after its declared length would make it 413 at once.
    connection.socket.write(`${head(declared.length)}${declared}${head(300_000_000)}${'a'.repeat(200_000)}`);
    const received = await waitForResponse(connection, (text) => text.split('HTTP/1.1 ').length > 2);
    const responses = received.split(/(?=HTTP\/1\.1 )/);
    expect(responses.map(statusOf)).toEqual([200, 413]);
    expect(responses[0]).toContain('"__typename":"Query"');
    connection.socket.destroy();
  });
});

describe('slow clients', () => {
  it('cuts off a client that sends its headers a byte at a time (server.headersTimeoutMs)', async () => {
    const connection = await openConnection(port);
    connection.socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\nx-slow: ');
    const drip = setInterval(() => connection.socket.write('a'), 100);
    try {
      await connection.closed;
    } finally {
      clearInterval(drip);
    }
    expect(connection.received()).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('cuts off a client that stops sending its body (server.bodyTimeoutMs)', async () => {
    const connection = await openConnection(port);
    connection.socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"query":`);
    await connection.closed;
    expect(connection.received()).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('logs a client that goes away mid-request below error level, whether its body declared a length or came in chunks', async () => {
    logLines.length = 0;
    const wentAway = () => logLines.filter((line) => line['msg'] === 'client went away before its request was read');
    // A declared length within the limit is left to Node's parser; a chunked body is counted as it is read.
    const framings = ['content-length: 1000\r\n\r\n{"lots":', 'transfer-encoding: chunked\r\n\r\n8\r\n{"lots":\r\n'];
    for (const framing of framings) {
      for (const path of [orderPath, '/graphql']) {
        const connection = await openConnection(port);
        const started = new Promise((resolve) => serving.server.server.once('request', resolve));
        connection.socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${stack.tradeToken}\r\ncontent-type: application/json\r\n${framing}`);
        // The client leaves once its request is under way, with most of its body unsent.
        await started;
        connection.socket.destroy();
        const before = wentAway().length;
        while (wentAway().length === before) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(wentAway().map((line) => line['level'])).toEqual([30, 30, 30, 30]);
    expect(logLines.filter((line) => (line['level'] as number) >= 50)).toEqual([]);
  });

});

describe('connections (server.limits.maxConnections)', () => {
  // A gateway of its own, so that no other test's connection counts against the cap.
  let capped: Stack;
  let cappedServing: ServingGateway;
  beforeAll(async () => {
    capped = await startStack({ server: { port: 0, limits: { maxConnections: 3 } } });
    cappedServing = await serve(capped.gateway);
  });
  afterAll(async () => {
    await cappedServing.stop();
    await capped.close();
  });

  /** A request on a connection of its own; '' when the server closed it unanswered. */
  const healthCheck = async (connection: RawConnection, close = false) => {
    connection.socket.write(`GET /healthz HTTP/1.1\r\nhost: x\r\n${close ? 'connection: close\r\n' : ''}\r\n`);
    return waitForResponse(connection, (received) => received.includes('\r\n\r\n'));
  };

  it('refuses the connection past the cap, and takes new ones once one closes', async () => {
    const cappedPort = cappedServing.server.port;
    const held = await Promise.all(Array.from({ length: 3 }, () => openConnection(cappedPort)));
    // Each connection is the server's once it has answered a request on it (keep-alive holds it open).
    for (const connection of held) expect(statusOf(await healthCheck(connection))).toBe(200);
    const refused = await openConnection(cappedPort);
    expect(await healthCheck(refused)).toBe('');

    held[0]!.socket.destroy();
    // The server counts the closed connection out once it has seen it close; until then it refuses.
    let answer = '';
    for (let attempt = 0; attempt < 100 && answer === ''; attempt++) {
      answer = await healthCheck(await openConnection(cappedPort), true);
      if (answer === '') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(statusOf(answer)).toBe(200);
    for (const connection of held) connection.socket.destroy();
  });
});
