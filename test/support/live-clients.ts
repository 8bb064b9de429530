import { createClient, type Client } from 'graphql-ws';
import { Agent, fetch } from 'undici';
import WebSocket from 'ws';
import { until } from './until.js';

/**
 * Clients of the gateway's live data over real sockets, the way applications reach it: GraphQL
 * over Server-Sent Events with plain fetch (a reader of `text/event-stream`, no library), and
 * graphql-ws's own client over a WebSocket. Both record every event they receive, in order.
 */

export interface LiveEvent {
  /** `next` carries a GraphQL result; `complete` ends the stream. */
  event: 'next' | 'complete';
  data: any;
}

/** What both clients offer a test. */
abstract class LiveClient {
  readonly events: LiveEvent[] = [];
  private cursor = 0;

  /** Results received so far (the `next` events' data). */
  get results(): any[] {
    return this.events.filter((item) => item.event === 'next').map((item) => item.data);
  }

  get completed(): boolean {
    return this.events.some((item) => item.event === 'complete');
  }

  /** The next result after those already taken that `matches`. */
  async next(matches: (result: any) => boolean = () => true, what = 'a result'): Promise<any> {
    let found: any;
    await until(() => {
      while (this.cursor < this.events.length) {
        const item = this.events[this.cursor++]!;
        if (item.event === 'next' && matches(item.data)) {
          found = item.data;
          return true;
        }
      }
      return false;
    }, what);
    return found;
  }

  async completion(): Promise<void> {
    await until(() => this.completed, 'the subscription to complete');
  }

  abstract close(): void;
}

export interface SubscriptionRequest {
  query: string;
  variables?: Record<string, unknown>;
  token?: string | undefined;
}

export class SseClient extends LiveClient {
  status = 0;
  contentType = '';
  /** Held, read or not: undici cancels the body of a response that is garbage-collected. */
  response: unknown;
  private readonly abort = new AbortController();
  /** A connection of its own, cut when the client closes (a pooled one would linger, kept alive after the abort). */
  private readonly agent = new Agent({ connections: 1 });

  /** Opens the subscription; `read: false` makes a client that never reads its response (a stalled reader). */
  static async open(baseUrl: string, request: SubscriptionRequest, options: { read?: boolean } = {}): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        accept: 'text/event-stream',
        'content-type': 'application/json',
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      },
      body: JSON.stringify({ query: request.query, variables: request.variables }),
      signal: client.abort.signal,
      dispatcher: client.agent,
    });
    client.response = response;
    client.status = response.status;
    client.contentType = response.headers.get('content-type') ?? '';
    if (options.read !== false && response.body) void client.read(response.body as ReadableStream<Uint8Array>);
    return client;
  }

  close(): void {
    this.abort.abort();
    void this.agent.destroy();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    const reader = body.getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffered += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          this.take(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
      }
    } catch {
      // Aborted by the test.
    }
  }

  /** One SSE block: `event: …` and `data: …` lines; `:` lines are keep-alive comments. */
  private take(block: string): void {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (event === 'next') this.events.push({ event, data: JSON.parse(data.join('\n')) });
    else if (event === 'complete') this.events.push({ event, data: null });
  }
}

/** One subscription on a graphql-ws connection. */
export class WebSocketSubscription extends LiveClient {
  constructor(private readonly unsubscribe: () => void) {
    super();
  }

  close(): void {
    this.unsubscribe();
  }
}

/** A graphql-ws client connection that authenticates in connection_init (no retries: a test sees every close). */
export class WebSocketConnection {
  closeCode: number | undefined;
  readonly client: Client;

  constructor(baseUrl: string, token: string | undefined) {
    this.client = createClient({
      url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: (event) => (this.closeCode = (event as { code?: number }).code) },
    });
  }

  subscribe(request: SubscriptionRequest): WebSocketSubscription {
    let recorder: WebSocketSubscription | undefined;
    const events: LiveEvent[] = [];
    const unsubscribe = this.client.subscribe(
      { query: request.query, variables: request.variables },
      {
        next: (data) => void (recorder ?? { events }).events.push({ event: 'next', data }),
        // A protocol `error` message (refused before execution): recorded as a result with errors, then complete.
        error: (error) => {
          const target = (recorder ?? { events }).events;
          if (Array.isArray(error)) target.push({ event: 'next', data: { errors: error } });
          target.push({ event: 'complete', data: null });
        },
        complete: () => void (recorder ?? { events }).events.push({ event: 'complete', data: null }),
      },
    );
    recorder = new WebSocketSubscription(unsubscribe);
    recorder.events.push(...events);
    return recorder;
  }

  async closed(): Promise<number> {
    await until(() => this.closeCode !== undefined, 'the WebSocket to close');
    return this.closeCode!;
  }

  close(): void {
    void this.client.dispose();
  }
}
