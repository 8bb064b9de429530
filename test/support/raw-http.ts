import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 spoken by hand over a socket, for the clients a fetch API cannot be: one that streams
 * a body far past any limit, one that sends its headers a byte at a time, one that only holds
 * its connection open.
 */

export interface RawConnection {
  socket: Socket;
  /** Everything the server has sent so far. */
  received(): string;
  /** Resolves when the server (or the network) has closed the connection. */
  closed: Promise<void>;
}

export function openConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    // A server that refuses a client resets its connection; that is an answer here, not a failure.
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

/** Resolves once `predicate` holds for what the server sent, or the connection closed. */
export async function waitForResponse(connection: RawConnection, predicate: (received: string) => boolean): Promise<string> {
  await new Promise<void>((resolve) => {
    const check = () => {
      if (predicate(connection.received())) {
        connection.socket.off('data', check);
        resolve();
      }
    };
    connection.socket.on('data', check);
    void connection.closed.then(resolve);
    check();
  });
  return connection.received();
}

export interface StreamedUpload {
  /** What the server answered (the start of it is enough here). */
  response: string;
  /** Bytes of body the client managed to hand to the network before the server answered. */
  bodyBytesSent: number;
}

/**
 * POSTs a chunked body of `totalBytes` (no Content-Length, so the server cannot refuse it from the
 * headers alone), written as fast as the server reads it. It stops writing as soon as an answer
 * arrives, or with `afterAnswer` only when the server stops reading. A server that buffers the
 * body whole lets every byte through before answering.
 */
export async function streamBody(
  port: number,
  path: string,
  headers: Record<string, string>,
  totalBytes: number,
  { afterAnswer = false }: { afterAnswer?: boolean } = {},
): Promise<StreamedUpload> {
  const connection = await openConnection(port);
  const { socket } = connection;
  const head = Object.entries({ host: '127.0.0.1', 'transfer-encoding': 'chunked', ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const chunkHeader = `${chunk.length.toString(16)}\r\n`;
  let sent = 0;
  const answered = () => connection.received().length > 0 || socket.destroyed;
  const stop = () => socket.destroyed || (!afterAnswer && answered());
  while (sent < totalBytes && !stop()) {
    socket.write(chunkHeader);
    socket.write(chunk);
    const flushed = socket.write('\r\n');
    sent += chunk.length;
    if (!flushed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('data', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('data', done);
        socket.on('close', done);
      });
    }
  }
  if (!socket.destroyed) socket.write('0\r\n\r\n');
  const response = await waitForResponse(connection, (received) => received.includes('\r\n\r\n'));
  socket.destroy();
  return { response, bodyBytesSent: sent };
}
