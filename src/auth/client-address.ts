import type { IncomingMessage } from 'node:http';

/**
 * The address failed authentications are counted against. Behind a reverse proxy (trustProxy)
 * it is the last X-Forwarded-For entry: the one the proxy appended for the peer it saw. Earlier
 * entries come from the client and can say anything, so trusting the first would let a client
 * dodge the limiter by inventing a new address on every attempt.
 */
export function clientAddress(request: Request, serverContext: unknown, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  // Node's server adapter passes the IncomingMessage along; yoga.fetch (tests) has none.
  return (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress ?? 'local';
}
