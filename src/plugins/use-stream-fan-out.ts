import { Readable } from 'node:stream';
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

/**
 * A thousand clients of one order book receive one event a thousand times: what can be done
 * once per event is done once. Two steps, one plugin:
 *
 * - Execution: an event is executed by graphql-js once per document, variables and token access
 *   (the accounts a token may see), and the result is shared by every client asking the same of
 *   the same event — the hub hands them one and the same event value. A client asking something
 *   else, or with another access, gets its own execution. An error event is executed per client.
 * - SSE: each result is written as one `event: next` chunk, encoded once and shared by every
 *   client it goes to, into a Node stream the HTTP response is piped from — so the client's socket
 *   still sets the pace (a reader that does not read stops the stream from pulling events, and the
 *   hub conflates what waits), as yoga's own SSE writer does. Like it, a comment line is sent
 *   first (some browsers wait for a first byte) and every 12 s while nothing else is waiting.
 */

const keepAliveMilliseconds = 12_000;

type Shared = Map<DocumentNode, Map<string, ExecutionResult | Promise<ExecutionResult>>>;

export function useStreamFanOut(): Plugin<GatewayContext> {
  const executions = new WeakMap<object, Shared>();
  /** What, besides the document, an execution depends on: the token's access, the operation and the variables. */
  const sharingKeys = new WeakMap<ExecutionArgs, string>();
  const sharingKey = (args: ExecutionArgs) => {
    let key = sharingKeys.get(args);
    if (key === undefined) {
      const accountIds = (args.contextValue as GatewayContext).viewer?.accountIds;
      const access = accountIds === null ? '*' : JSON.stringify(accountIds ?? '?');
      sharingKeys.set(args, (key = `${access}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}`));
    }
    return key;
  };

  const executeShared = (args: ExecutionArgs, payload: unknown): ExecutionResult | Promise<ExecutionResult> => {
    const value = typeof payload === 'object' && payload !== null && 'value' in payload ? (payload as { value: unknown }).value : undefined;
    if (typeof value !== 'object' || value === null) return execute({ ...args, rootValue: payload });
    const key = sharingKey(args);
    let byDocument = executions.get(value);
    if (!byDocument) executions.set(value, (byDocument = new Map()));
    let byKey = byDocument.get(args.document);
    if (!byKey) byDocument.set(args.document, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) byKey.set(key, (result = execute({ ...args, rootValue: payload })));
    return result;
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!(Symbol.asyncIterator in source)) return source;
        return mapEvents(source, (payload) => executeShared(args, payload));
      });
    },
    onResultProcess({ request, result, setResultProcessor }) {
      if (Array.isArray(result) || !(Symbol.asyncIterator in result)) return;
      if (!request.headers.get('accept')?.includes('text/event-stream')) return;
      // A Node stream as the body: @whatwg-node/server pipes it into the response, with backpressure.
      const respond = (stream: unknown, fetchAPI: { Response: typeof Response }) =>
        new fetchAPI.Response(eventStream(stream as AsyncIterable<ExecutionResult>) as unknown as BodyInit, { status: 200, headers: sseHeaders });
      setResultProcessor(respond, 'text/event-stream');
    },
  };
}

const sseHeaders = { 'content-type': 'text/event-stream', connection: 'keep-alive', 'cache-control': 'no-cache', 'content-encoding': 'none' };

function mapEvents<Result>(source: AsyncIterable<unknown>, map: (payload: unknown) => Result | Promise<Result>): AsyncGenerator<Result> {
  const iterator = source[Symbol.asyncIterator]();
  const done = { value: undefined, done: true } as const;
  const mapped: AsyncGenerator<Result> = {
    async next() {
      const next = await iterator.next();
      return next.done ? done : { value: await map(next.value), done: false };
    },
    async return() {
      await iterator.return?.();
      return done;
    },
    async throw(error: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}

const chunks = new WeakMap<ExecutionResult, Buffer>();
const keepAlive = Buffer.from(':\n\n');
const complete = Buffer.from('event: complete\ndata:\n\n');

/** The `event: next` chunk of a result, encoded once however many clients it goes to. */
function chunkOf(result: ExecutionResult): Buffer {
  let chunk = chunks.get(result);
  if (!chunk) chunks.set(result, (chunk = Buffer.from(`event: next\ndata: ${JSON.stringify(withoutInternals(result))}\n\n`)));
  return chunk;
}

/** A stream of SSE chunks that pulls the next result only when the response has room for it. */
function eventStream(results: AsyncIterable<ExecutionResult>): Readable {
  const iterator = results[Symbol.asyncIterator]();
  let pulling = false;
  let ended = false;
  const readable: Readable = new Readable({
    read() {
      if (pulling) return;
      pulling = true;
      iterator.next().then(
        (next) => {
          pulling = false;
          if (ended) return;
          if (next.done) {
            ended = true;
            readable.push(complete);
            readable.push(null);
          } else readable.push(chunkOf(next.value));
        },
        (error: unknown) => readable.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
    destroy(error, callback) {
      ended = true;
      clearInterval(timer);
      void iterator.return?.();
      callback(error);
    },
  });
  // Only into an empty buffer: a client that reads nothing does not collect comments either.
  const timer = setInterval(() => {
    if (!ended && readable.readableLength === 0) readable.push(keepAlive);
  }, keepAliveMilliseconds);
  timer.unref();
  readable.push(keepAlive);
  return readable;
}

/** What a client sees of a result: `extensions.http` and `unexpected` are yoga's own, never sent. */
function withoutInternals(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      const json = error.toJSON();
      if (!json.extensions) return json;
      const { http: _http, unexpected: _unexpected, ...extensions } = json.extensions as Record<string, unknown>;
      return { ...json, extensions };
    }) as unknown as ExecutionResult['errors'],
  };
}
