import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';

export interface RequestBodyLimitOptions {
  /** server.limits.maxRequestBytes */
  maxBytes: number;
  logger: Logger;
}

/**
 * A request body past the limit: answered 413 by whichever route was reading it. It is a GraphQL
 * error so that yoga's request parser passes it on as it is (HTTP 413, BAD_USER_INPUT).
 */
export class RequestBodyTooLargeError extends GraphQLError {
  constructor(maxBytes: number) {
    super(`the request body is larger than ${maxBytes} bytes (server.limits.maxRequestBytes)`, {
      extensions: { code: 'BAD_USER_INPUT', http: { status: 413, headers: { connection: 'close' } } },
    });
    // Its name stays GraphQLError: that is how the error mask tells the client's errors from unexpected ones.
  }
}

/** The client closed its connection before its request body had arrived: nobody is left to answer. */
export class ClientWentAwayError extends Error {
  override name = 'ClientWentAwayError';
  constructor() {
    super('the client closed the connection before its request was read');
  }
}

/**
 * One size limit for the body of every request, whatever route reads it (GraphQL, the v1 compat
 * route, anything added later). A declared Content-Length past the limit is refused before a byte
 * of body is read; otherwise the body is counted as it is read and reading stops at the limit,
 * so a route never holds more than `maxBytes` of it. A response sent before its request body was
 * read whole closes the connection, so the rest is never read either.
 *
 * A body that came through Node's HTTP parser with a Content-Length within the limit is left as
 * it is: the parser hands over exactly that many bytes (a longer body would be the next request,
 * and a request with both Content-Length and Transfer-Encoding is refused), so there is nothing
 * to count. Almost every client declares its length, and re-wrapping the body in a counting
 * stream cost about a quarter of the gateway's CPU time for a small query. Bodies whose length
 * is unknown (chunked, or a Request handed to `yoga.fetch`, whose header promises nothing) are
 * counted.
 */
export function useRequestBodyLimit({ maxBytes, logger }: RequestBodyLimitOptions): Plugin {
  return {
    onRequest({ request, setRequest, endResponse, fetchAPI, serverContext }) {
      if (!request.body) return;
      const declared = request.headers.get('content-length');
      if (declared !== null && Number(declared) > maxBytes) {
        endResponse(tooLargeResponse(fetchAPI, maxBytes));
        return;
      }
      const clientGone = () => logger.info({ method: request.method, path: new URL(request.url).pathname }, 'client went away before its request was read');
      const incoming = nodeRequest(serverContext);
      if (incoming && declared !== null && /^\d+$/.test(declared)) {
        reportEarlyHangUp(incoming, serverContext, clientGone);
        return;
      }
      setRequest(
        new fetchAPI.Request(request.url, {
          method: request.method,
          headers: request.headers,
          signal: request.signal,
          body: countedBody(request.body, maxBytes, clientGone),
          // @ts-expect-error Node's fetch needs it for a streamed body; the DOM typings do not know it.
          duplex: 'half',
        }),
      );
    },
    onResponse({ response, serverContext, setResponse, fetchAPI }) {
      const incoming = nodeRequest(serverContext);
      if (!incoming || incoming.complete || !hasBody(incoming)) return;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('connection', 'close');
      setResponse(new fetchAPI.Response(response.body, { status: response.status, statusText: response.statusText, headers }));
    },
  };
}

/** The request as Node's HTTP server received it; absent for `yoga.fetch`. */
function nodeRequest(serverContext: unknown): IncomingMessage | undefined {
  return (serverContext as { req?: IncomingMessage } | undefined)?.req;
}

/**
 * The client of a body left as it is hangs up before all of it has arrived: the route reading it
 * gets the socket's error, and the info line is written here. A connection closed after the
 * response was sent (a route that answered without reading the body closes it) is not a client
 * going away.
 */
function reportEarlyHangUp(incoming: IncomingMessage, serverContext: unknown, clientGone: () => void): void {
  const response = (serverContext as { res?: ServerResponse } | undefined)?.res;
  incoming.once('close', () => {
    if (!incoming.complete && !response?.writableEnded) clientGone();
  });
}

/** A request without a body may not be marked complete yet when an answer is ready at once (Node marks it after its 'request' event). */
function hasBody(incoming: IncomingMessage): boolean {
  return incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? 0) > 0;
}

/** The body as a stream that fails once more than `maxBytes` have come through, or when the client leaves. */
function countedBody(body: ReadableStream<Uint8Array>, maxBytes: number, onClientGone: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        if (!isClientDisconnect(error)) throw error;
        onClientGone();
        controller.error(new ClientWentAwayError());
        return;
      }
      if (next.done) {
        controller.close();
        return;
      }
      received += next.value.byteLength;
      // Reading stops here: the rest stays unread, and the response closes the connection.
      if (received > maxBytes) controller.error(new RequestBodyTooLargeError(maxBytes));
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

function tooLargeResponse(fetchAPI: { Response: typeof Response }, maxBytes: number): Response {
  const message = new RequestBodyTooLargeError(maxBytes).message;
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] }), {
    status: 413,
    headers: { 'content-type': 'application/json; charset=utf-8', connection: 'close' },
  });
}

/** Node reports a client that hung up mid-body as an "aborted" ECONNRESET on the request stream. */
export function isClientDisconnect(error: unknown): boolean {
  if (error instanceof ClientWentAwayError) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ECONNRESET' && message === 'aborted') || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
