import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayMetrics } from './metrics.js';

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

/**
 * What one client may hold of the server (server.* in the config, where the defaults live):
 * Node's own defaults let a silent client keep a socket for minutes.
 */
export interface ConnectionLimits {
  /** The request headers must have arrived within this. */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must have arrived within this. */
  bodyTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (it would also hold a graceful shutdown open). */
  keepAliveTimeoutMs: number;
  /** Connections past this are closed as soon as they are accepted. */
  maxConnections: number;
}

/** Listens on host:port (0 picks a free port) and resolves once the socket is bound. */
export function listen(handler: RequestListener, host: string, port: number, limits: ConnectionLimits): Promise<RunningServer> {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.bodyTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node looks for requests past their timeouts this often (its default, 30 s, would let a slow client
      // keep its connection up to 30 s past them).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
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

/** `/metrics` alone on a port of its own (config `metrics.port`), with the gateway's connection limits. */
export function listenForMetrics(metrics: GatewayMetrics, host: string, port: number, limits: ConnectionLimits): Promise<RunningServer> {
  return listen(
    async (request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
    },
    host,
    port,
    limits,
  );
}
