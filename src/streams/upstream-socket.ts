import WebSocket from 'ws';
import { backoffDelay } from '../brokers/resilience/backoff.js';
import { BrokerqlError, UpstreamAuthError, UpstreamUnavailableError } from '../errors.js';
import type { FeedObserver } from './feed.js';

/**
 * One WebSocket to a broker that heals itself. A socket that drops, is closed by the broker for
 * a passing reason, or goes silent (nothing heard for `silenceMs`: no data and no ping) is
 * reconnected after a "full jitter" backoff (a random wait up to 250 ms × 2^attempt, at most
 * 5 s), and its owner re-makes every subscription once it is open again. A broker that stays
 * unreachable — no message heard since the drop — for `unavailableAfterMs` ends it: `failed`
 * with UPSTREAM_UNAVAILABLE. A message, not an open handshake, proves the broker is back: a
 * broker that accepts sockets and then says nothing is still down.
 */

export interface SocketEndpoint {
  url: string;
  headers?: Record<string, string> | undefined;
  protocols?: string[] | undefined;
}

/** What a close by the broker means: try again, or give up with an error for the socket's topics. */
export type CloseVerdict = { reconnect: true } | { reconnect: false; error: BrokerqlError };

export interface UpstreamSocketHandlers {
  /** Where to connect (a credential may have to be fetched first). */
  endpoint(): Promise<SocketEndpoint>;
  /** The socket is open: send everything it carries. */
  opened(): void;
  /** One frame; returns whether it shows the broker serving (an error frame announcing a close does not). */
  message(text: string): boolean;
  /** The broker closed the socket: `wasLive` says whether it had ever carried a message. */
  closedByBroker(code: number, reason: string, wasLive: boolean): CloseVerdict;
  /** Lost; reconnecting. What was reported may be stale until the next message. */
  interrupted(): void;
  /** Given up for good: the owner forgets the socket and fails its topics with `error`. */
  failed(error: BrokerqlError): void;
}

export interface UpstreamSocketOptions {
  connection: string;
  brokerLabel: string;
  /** How silence is noticed: the broker pings an idle stream itself (T-Invest), or brokerql sends WebSocket pings (ALOR). */
  heartbeat: 'broker' | 'websocket';
  silenceMs: number;
  unavailableAfterMs: number;
  observer?: FeedObserver | undefined;
  random?: () => number;
}

type SocketState = 'connecting' | 'open' | 'waiting' | 'closed';

export class UpstreamSocket {
  private socket: WebSocket | undefined;
  private state: SocketState = 'waiting';
  private attempt = 0;
  /** Since when no message has been heard from a live socket (set at creation: nothing heard yet). */
  private downSince: number | undefined = Date.now();
  private lastHeard = Date.now();
  private heardSinceOpen = false;
  private everLive = false;
  /** Whether the observer was told this socket opened (and not yet that it closed). */
  private countedOpen = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private unavailableTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  reconnects = 0;

  constructor(
    private readonly options: UpstreamSocketOptions,
    private readonly handlers: UpstreamSocketHandlers,
  ) {
    this.armUnavailable();
    void this.connect();
  }

  get isOpen(): boolean {
    return this.state === 'open' && this.socket?.readyState === WebSocket.OPEN;
  }

  /** Whether it is carrying data now, or still (re)connecting. */
  get live(): boolean {
    return this.isOpen && this.downSince === undefined;
  }

  get unreachableSince(): number | undefined {
    return this.downSince;
  }

  /** Sends one frame; false (and nothing sent) while not open — the owner re-sends everything on open. */
  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.socket!.send(text);
    return true;
  }

  /** Ends it for good, without telling the owner. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) this.detach(socket, true);
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'connecting';
    let endpoint: SocketEndpoint;
    try {
      endpoint = await this.handlers.endpoint();
    } catch (error) {
      // A credential the broker refuses will not be accepted on the next attempt either.
      if (error instanceof BrokerqlError && !error.retryable) return this.giveUp(error);
      return this.lost('no credential to connect with');
    }
    if (this.state !== 'connecting') return;
    const socket = new WebSocket(endpoint.url, endpoint.protocols ?? [], {
      headers: endpoint.headers,
      handshakeTimeout: Math.min(this.options.silenceMs, 10_000),
      // Upstream messages are small JSON documents; a huge one is a broken or hostile upstream.
      maxPayload: 16 * 1024 * 1024,
    });
    this.socket = socket;
    socket.on('open', () => this.onOpen(socket));
    socket.on('message', (data) => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      if (this.handlers.message(data.toString())) this.heard();
    });
    socket.on('pong', () => {
      if (socket === this.socket) this.lastHeard = Date.now();
    });
    socket.on('unexpected-response', (request, response) => {
      request.destroy();
      if (socket !== this.socket) return;
      const status = response.statusCode ?? 0;
      if (status === 401 || status === 403) {
        return this.giveUp(new UpstreamAuthError(`${this.options.brokerLabel} refused brokerql's credential for its stream (HTTP ${status})`, { connection: this.options.connection, status }));
      }
      this.drop(socket, `handshake refused with HTTP ${status}`);
    });
    socket.on('close', (code, reason) => this.onClose(socket, code, reason.toString()));
    // A failed connect or a reset also closes the socket; the close decides what happens next.
    socket.on('error', () => undefined);
  }

  private onOpen(socket: WebSocket): void {
    if (socket !== this.socket || this.state !== 'connecting') return;
    this.state = 'open';
    this.countedOpen = true;
    this.heardSinceOpen = false;
    this.lastHeard = Date.now();
    this.options.observer?.socketOpened?.();
    this.watch();
    this.handlers.opened();
  }

  private heard(): void {
    if (this.heardSinceOpen) return;
    this.heardSinceOpen = true;
    this.everLive = true;
    this.attempt = 0;
    this.downSince = undefined;
    clearTimeout(this.unavailableTimer);
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.countClosed();
    if (this.state === 'closed') return;
    // 1006: cut without a close frame (a network failure, or our own terminate on silence).
    const verdict = code === 1006 ? ({ reconnect: true } as const) : this.handlers.closedByBroker(code, reason, this.everLive);
    this.socket = undefined;
    if (!verdict.reconnect) return this.giveUp(verdict.error);
    this.lost(`closed with ${code}${reason ? ` ${reason}` : ''}`);
  }

  private drop(socket: WebSocket, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.detach(socket, false);
    this.lost(reason);
  }

  /** Lost (or never reached): stale for now, and another attempt after a backoff. */
  private lost(reason: string): void {
    if (this.state === 'closed') return;
    clearInterval(this.watchTimer);
    const wasLive = this.downSince === undefined;
    if (wasLive) {
      this.downSince = Date.now();
      this.armUnavailable();
    }
    this.state = 'waiting';
    this.reconnects += 1;
    this.options.observer?.reconnecting?.(reason);
    if (wasLive) this.handlers.interrupted();
    const delay = backoffDelay(this.attempt++, this.options.random, 250, 5_000);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private armUnavailable(): void {
    clearTimeout(this.unavailableTimer);
    const waited = Date.now() - (this.downSince ?? Date.now());
    this.unavailableTimer = setTimeout(() => {
      const since = this.downSince === undefined ? '' : ` since ${new Date(this.downSince).toISOString()}`;
      this.giveUp(new UpstreamUnavailableError(`${this.options.brokerLabel}'s stream could not be reached${since}; subscribe again later`, { connection: this.options.connection, retryable: true }));
    }, Math.max(0, this.options.unavailableAfterMs - waited));
  }

  private giveUp(error: BrokerqlError): void {
    if (this.state === 'closed') return;
    this.close();
    this.handlers.failed(error);
  }

  /** Notices silence: nothing at all heard for `silenceMs` means the socket is dead, whatever TCP thinks. */
  private watch(): void {
    clearInterval(this.watchTimer);
    const every = Math.max(100, Math.floor(this.options.silenceMs / 3));
    this.watchTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket || this.state !== 'open') return;
      if (Date.now() - this.lastHeard > this.options.silenceMs) return this.drop(socket, `silent for ${this.options.silenceMs} ms`);
      if (this.options.heartbeat === 'websocket') socket.ping();
    }, every);
  }

  private countClosed(): void {
    if (!this.countedOpen) return;
    this.countedOpen = false;
    this.options.observer?.socketClosed?.();
  }

  private detach(socket: WebSocket, graceful: boolean): void {
    this.countClosed();
    socket.removeAllListeners('message');
    socket.removeAllListeners('pong');
    if (graceful && socket.readyState === WebSocket.OPEN) socket.close(1000, 'done');
    else socket.terminate();
  }

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.unavailableTimer);
    clearInterval(this.watchTimer);
  }
}
