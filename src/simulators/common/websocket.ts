import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { systemClock, type ClockTimer, type SimulatorClock } from './clock.js';
import { LoopbackListener } from './loopback.js';

/**
 * The WebSocket machinery the stream simulators share: a loopback server of its own, the
 * handshake routed by the broker's code, and one outbound path per socket that every message
 * takes — so the test switches (drop a socket, stall, lag order events, drop the next events)
 * and the records (subscribe requests, open sockets, when each data message left) work alike
 * for every broker. Nothing here knows a broker protocol; simulators never import adapter code.
 */

/** `ack`: a reply to a request; `data`: an event of a subscription; `ping`: keep-alive; `error`: a refusal. */
export type MessageCategory = 'ack' | 'data' | 'ping' | 'error';

export interface SendOptions {
  category: MessageCategory;
  /** What the message belongs to, as switches filter it: a T-Invest method name, an ALOR opcode. */
  topic: string;
  /** The subscription a data message belongs to (its key in the send log). */
  subscription?: string;
  /** A data message about the customer's orders: the one kind the lag switch holds back. */
  orderEvent?: boolean;
  /** The message's own time field, logged so a reader can tell which message it received. */
  time?: string;
}

export interface SentMessage {
  socket: number;
  topic: string;
  subscription: string;
  /** 1, 2, … per socket and subscription. */
  sequence: number;
  /** Epoch milliseconds on the stream server's clock. */
  sentAt: number;
  time: string | undefined;
}

/** The handshake's outcome: an HTTP status refuses it; otherwise the socket opens and `open` takes it. */
export type Handshake = { status: number } | { protocol?: string; open(connection: StreamConnection): void };

export interface StreamServerOptions {
  name: string;
  route(request: IncomingMessage, url: URL): Handshake;
  clock?: SimulatorClock;
  /** Messages a socket may have waiting to be written before the server drops it (ALOR: 5,000). None when absent. */
  unreadLimit?: number;
  /** Entries the send log keeps (oldest dropped first). Default 100,000. */
  sendLogLimit?: number;
}

export class StreamConnection {
  /** The broker's user this socket belongs to, once known (T-Invest: at the handshake; ALOR: the first request's token). */
  user: string | undefined;
  private lastSentAt: number;
  private pending = 0;
  private pingTimer: ClockTimer | undefined;
  private readonly sequences = new Map<string, number>();
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    readonly path: string,
    private readonly server: StreamServer,
  ) {
    this.lastSentAt = server.clock.now();
    socket.on('close', () => {
      this.pingTimer?.cancel();
      for (const listener of this.closeListeners) listener();
    });
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  onMessage(listener: (text: string) => void): void {
    this.socket.on('message', (data) => listener(data.toString()));
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Sends one JSON message through the switches. */
  send(message: unknown, options: SendOptions): void {
    const switches = this.server.switches;
    if (switches.stalled || !this.open) return;
    if (options.category === 'data' && switches.takeDropped(options.topic)) return;
    const text = JSON.stringify(message);
    const lag = options.orderEvent ? switches.orderLagMilliseconds : 0;
    if (lag > 0) this.server.clock.after(lag, () => this.write(text, options));
    else this.write(text, options);
  }

  close(code: number, reason: string): void {
    if (this.open) this.socket.close(code, reason);
  }

  /** Cuts the connection without a close frame (the client sees 1006), as a network failure does. */
  terminate(): void {
    this.socket.terminate();
  }

  /** Sends `ping()` whenever nothing else was sent for `milliseconds` — never while messages flow. */
  keepAlive(milliseconds: number, ping: () => void): void {
    this.pingTimer?.cancel();
    const check = () => {
      const idle = this.server.clock.now() - this.lastSentAt;
      if (idle >= milliseconds) ping();
      // After a ping (sent, or swallowed by a stall) the next check is a whole interval away.
      this.pingTimer = this.server.clock.after(idle >= milliseconds ? milliseconds : milliseconds - idle, check);
    };
    this.pingTimer = this.server.clock.after(milliseconds, check);
  }

  private write(text: string, options: SendOptions): void {
    if (!this.open || this.server.switches.stalled) return;
    const limit = this.server.unreadLimit;
    this.pending += 1;
    this.socket.send(text, () => (this.pending -= 1));
    this.lastSentAt = this.server.clock.now();
    if (options.category === 'data') {
      const subscription = options.subscription ?? options.topic;
      const sequence = (this.sequences.get(subscription) ?? 0) + 1;
      this.sequences.set(subscription, sequence);
      this.server.record({ socket: this.id, topic: options.topic, subscription, sequence, sentAt: this.lastSentAt, time: options.time });
    }
    // ALOR drops a socket whose reader fell too far behind (its buffer of unsent events overflowed).
    if (limit !== undefined && this.pending > limit) this.terminate();
  }
}

/** The test switches every stream simulator offers (see StreamServer). */
export class StreamSwitches {
  /** Nothing is sent at all (no data, acks or pings); the sockets stay open. */
  stalled = false;
  /** Order events wait this long before they are sent. */
  orderLagMilliseconds = 0;
  private drops: Array<{ remaining: number; topic: string | undefined }> = [];

  /** The next `count` data messages (of one topic, or any) are silently lost. */
  dropNextEvents(count: number, topic?: string): void {
    this.drops.push({ remaining: count, topic });
  }

  takeDropped(topic: string): boolean {
    const rule = this.drops.find((candidate) => candidate.remaining > 0 && (candidate.topic === undefined || candidate.topic === topic));
    if (!rule) return false;
    rule.remaining -= 1;
    this.drops = this.drops.filter((candidate) => candidate.remaining > 0);
    return true;
  }

  reset(): void {
    this.stalled = false;
    this.orderLagMilliseconds = 0;
    this.drops = [];
  }
}

export class StreamServer {
  readonly clock: SimulatorClock;
  readonly switches = new StreamSwitches();
  readonly connections = new Set<StreamConnection>();
  readonly unreadLimit: number | undefined;
  /** Sockets opened since start (or the last reset). */
  socketsOpened = 0;
  private readonly subscribeCounts = new Map<string, number>();
  private log: SentMessage[] = [];
  /** The subprotocol the broker's route chose for each handshake (`ws` would otherwise take the first offered). */
  private readonly chosenProtocols = new WeakMap<IncomingMessage, string>();
  private readonly websockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (_offered, request) => this.chosenProtocols.get(request) ?? false,
  });
  private readonly listener = new LoopbackListener(() => {
    const server = createServer((_request, response) => response.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required'));
    server.on('upgrade', (request, socket, head) => this.upgrade(request, socket as Socket, head));
    return server;
  });
  private nextId = 1;

  constructor(private readonly options: StreamServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.unreadLimit = options.unreadLimit;
  }

  get name(): string {
    return this.options.name;
  }

  /** ws://127.0.0.1:<port> */
  get url(): string {
    return `ws://127.0.0.1:${this.listener.port}`;
  }

  async start(port?: number): Promise<string> {
    await this.listener.start(port);
    return this.url;
  }

  /** Stops listening and cuts every socket; `start()` again reuses the port. */
  async stop(): Promise<void> {
    for (const connection of this.connections) connection.terminate();
    await this.listener.stop();
  }

  // ---- switches and records -------------------------------------------------------------

  /** Cuts every socket (or the ones `which` picks) without a close frame. */
  dropSockets(which: (connection: StreamConnection) => boolean = () => true): number {
    const dropped = [...this.connections].filter(which);
    for (const connection of dropped) connection.terminate();
    return dropped.length;
  }

  get openSockets(): number {
    return this.connections.size;
  }

  countSubscribe(what: string): void {
    this.subscribeCounts.set(what, (this.subscribeCounts.get(what) ?? 0) + 1);
  }

  /** Subscribe requests received: all, or for one key (`orderbook:<instrument>`, an ALOR opcode and instrument, …). */
  subscribeRequests(what?: string): number {
    if (what !== undefined) return this.subscribeCounts.get(what) ?? 0;
    return [...this.subscribeCounts.values()].reduce((sum, count) => sum + count, 0);
  }

  subscribeRequestCounts(): Record<string, number> {
    return Object.fromEntries(this.subscribeCounts);
  }

  /** Data messages sent, oldest first: for latency measurements and checks of what went out. */
  sendLog(): readonly SentMessage[] {
    return this.log;
  }

  record(entry: SentMessage): void {
    this.log.push(entry);
    // Trimmed a tenth at a time, not one entry per message.
    const limit = this.options.sendLogLimit ?? 100_000;
    if (this.log.length > limit + Math.ceil(limit / 10)) this.log.splice(0, this.log.length - limit);
  }

  resetRecords(): void {
    this.log = [];
    this.subscribeCounts.clear();
    this.socketsOpened = this.connections.size;
  }

  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const handshake = this.options.route(request, url);
    if ('status' in handshake) {
      socket.end(`HTTP/1.1 ${handshake.status} ${handshake.status === 404 ? 'Not Found' : 'Refused'}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    if (handshake.protocol) this.chosenProtocols.set(request, handshake.protocol);
    this.websockets.handleUpgrade(request, socket, head, (websocket) => {
      const connection = new StreamConnection(this.nextId++, websocket, url.pathname, this);
      this.connections.add(connection);
      this.socketsOpened += 1;
      websocket.on('close', () => this.connections.delete(connection));
      websocket.on('error', () => websocket.terminate());
      handshake.open(connection);
    });
  }
}
