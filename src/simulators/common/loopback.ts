import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A simulator's HTTP server on 127.0.0.1 that remembers its sockets, so that stopping it cuts
 * every client at once — as a broker that goes away does — and starting it again reuses the port.
 */
export class LoopbackListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private listeningPort = 0;

  constructor(private readonly create: () => Server) {}

  get port(): number {
    return this.listeningPort;
  }

  async start(port = this.listeningPort): Promise<number> {
    const server = this.create();
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.listeningPort = (server.address() as AddressInfo).port;
    return this.listeningPort;
  }

  /** Stops listening: clients get "connection refused" until `start()` again (same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
