import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /**
   * Stops accepting connections, lets requests in flight finish for up to `graceMilliseconds`,
   * then closes whatever is left.
   */
  close(graceMilliseconds?: number): Promise<void>;
}

/** Listens on host:port (0 picks a free port) and resolves once the socket is bound. */
export function listen(handler: RequestListener, host: string, port: number): Promise<RunningServer> {
  const server = createServer(handler);
  // Idle keep-alive sockets would otherwise hold a graceful shutdown open until they time out.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const printableHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        port: address.port,
        url: `http://${printableHost}:${address.port}`,
        close: (graceMilliseconds = 0) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMilliseconds);
            // A keep-alive connection whose last request just finished is idle now: close it too.
            const sweep = setInterval(() => server.closeIdleConnections(), 50);
            server.close(() => {
              clearTimeout(force);
              clearInterval(sweep);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
