import WebSocket from 'ws';
import { until } from './until.js';

/**
 * A plain `ws` client for the stream simulators' tests — no gateway code: it records every frame
 * it receives (parsed JSON), and lets a test wait for the next frame that matches.
 */
export class StreamClient {
  readonly received: any[] = [];
  closeCode: number | undefined;
  closeReason: string | undefined;
  private cursor = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.received.push(JSON.parse(data.toString())));
    socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
  }

  static async open(url: string, options: { token?: string; protocols?: string[]; headers?: Record<string, string> } = {}): Promise<StreamClient> {
    const headers = { ...options.headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
    const socket = new WebSocket(url, options.protocols ?? [], { headers });
    const client = new StreamClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** The HTTP status a handshake is refused with. */
  static async refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
    const socket = new WebSocket(url, { headers });
    return new Promise<number>((resolve, reject) => {
      // With a listener here, ending the refused request is the listener's job (ws docs).
      socket.on('error', () => undefined);
      socket.once('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      socket.once('open', () => reject(new Error(`${url} opened`)));
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next frame after the ones already taken that `matches` (frames skipped on the way are passed over). */
  async next(matches: (message: any) => boolean = () => true, what = 'a message'): Promise<any> {
    let found: any;
    await until(() => {
      while (this.cursor < this.received.length) {
        const message = this.received[this.cursor++];
        if (matches(message)) {
          found = message;
          return true;
        }
      }
      return false;
    }, what);
    return found;
  }

  /** The next frame with this top-level key (`orderbook`, `subscription`, …). */
  nextWith(key: string): Promise<any> {
    return this.next((message) => typeof message === 'object' && message !== null && key in message, `a "${key}" message`);
  }

  /** Frames received and not yet taken. */
  get unread(): any[] {
    return this.received.slice(this.cursor);
  }

  async closed(): Promise<{ code: number; reason: string }> {
    await until(() => this.closeCode !== undefined, 'the socket to close');
    return { code: this.closeCode!, reason: this.closeReason! };
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Stops reading from the socket (the kernel buffers fill, then the server's). */
  pause(): void {
    this.socket.pause();
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * Lets every frame the server sent so far arrive: a WebSocket ping's pong comes back after them
 * (one ordered connection), so a test can then say "nothing more was sent" without waiting a while.
 */
export async function settle(client: StreamClient): Promise<void> {
  const pong = new Promise<void>((resolve) => client.socket.once('pong', () => resolve()));
  client.socket.ping();
  await pong;
}
