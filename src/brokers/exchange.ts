import type { Dispatcher } from 'undici';

/**
 * One HTTP exchange with a broker, on undici's dispatch API: the request goes out on the
 * connection's keep-alive pool and the answer comes back as its status, headers and body text.
 * `request()` does the same through a Node stream for the body, an abort signal per call and an
 * async resource around every callback; for the small JSON answers brokers send, that machinery
 * cost about a third of each call's CPU time (~45 µs of ~135 µs against a local simulator).
 * Here the chunks are collected as they arrive and decoded once, and the call is stopped through
 * the controller undici hands over, without an AbortController of its own.
 */

export interface ExchangeRequest {
  /** "https://host:port" */
  origin: string;
  /** Path and query, already built from checked parts. */
  path: string;
  method: Dispatcher.HttpMethod;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  /** The whole exchange: connecting, sending, the headers and the body of the answer. */
  timeoutMilliseconds: number;
  /** The caller's signal: when it aborts, the exchange stops with its reason. */
  signal?: AbortSignal | undefined;
}

export interface ExchangeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Rejected with undici's own errors (connect, headers and body timeouts, resets, an oversized answer), the caller's abort reason, or a TimeoutError. */
export function exchange(dispatcher: Dispatcher, request: ExchangeRequest): Promise<ExchangeResponse> {
  return new Promise<ExchangeResponse>((resolve, reject) => {
    const { signal, timeoutMilliseconds } = request;
    let controller: Dispatcher.DispatchController | undefined;
    let stoppedWith: unknown;
    let settled = false;
    let status = 0;
    let headers: ExchangeResponse['headers'] = {};
    const chunks: Buffer[] = [];
    let length = 0;

    const finish = (error: unknown, response?: ExchangeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
      if (response) resolve(response);
      else reject(error);
    };
    /** Stops the exchange now; a request still waiting for its connection is stopped as soon as it has one. */
    const stop = (reason: unknown) => {
      stoppedWith ??= reason;
      controller?.abort(reason as Error);
      finish(reason);
    };
    const onCallerAbort = () => stop(signal!.reason);
    const timer = setTimeout(() => stop(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMilliseconds);
    timer.unref();
    if (signal?.aborted) return onCallerAbort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (stoppedWith !== undefined) started.abort(stoppedWith as Error);
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        // 1xx answers (100 Continue, 103 Early Hints) come before the real one.
        if (statusCode < 200) return;
        status = statusCode;
        headers = responseHeaders as ExchangeResponse['headers'];
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
        length += chunk.length;
      },
      onResponseEnd() {
        finish(undefined, { status, headers, text: decode(chunks, length) });
      },
      onResponseError(_controller, error) {
        finish(error);
      },
    };
    try {
      dispatcher.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body,
          headersTimeout: timeoutMilliseconds,
          bodyTimeout: timeoutMilliseconds,
        },
        handler,
      );
    } catch (error) {
      finish(error);
    }
  });
}

/** UTF-8, a byte order mark dropped, as undici's `body.text()` reads it. */
function decode(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString('utf8', start);
}
