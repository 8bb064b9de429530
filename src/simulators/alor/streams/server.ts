import { alorStreamLimits } from '../../../brokers/alor/limits.js';
import type { SimulatorClock } from '../../common/clock.js';
import { parseJsonObject } from '../../common/http.js';
import { StreamServer, type StreamConnection } from '../../common/websocket.js';
import type { AlorSimulator } from '../server.js';
import { portfoliosOf } from '../auth.js';
import { subscriptionOpcodes, type SubscriptionContext } from './subscriptions.js';

/**
 * ALOR's `/ws` (streams.md §2, alor.md §14), on a port of its own: `ws://127.0.0.1:<port>/ws`
 * (any other path answers 404). There is no handshake authentication: every request carries
 * `opcode`, `guid` and `token` — a JWT the ALOR simulator issued and that has not expired (else
 * `{"requestGuid":…,"httpCode":401,"message":"Invalid JWT token!"}`). A subscription is
 * acknowledged with `{"message":"Handled successfully","httpCode":200,"requestGuid":…}`, then
 * sends its data as `{"data":{…},"guid":…}` (subscriptions.ts); `unsubscribe` names the
 * subscription's guid. Limits (alor.md §13, DOC-WS): 10 sockets per user, 5,000 subscriptions
 * per socket, 5,000 unsent messages per socket — past each the server drops the socket.
 *
 * ⚠ Choices where ALOR's docs are silent:
 *  - an invalid request (unknown opcode or instrument, bad depth or exchange, Slim/Heavy format)
 *    is answered `{"requestGuid":…,"httpCode":400,"message":…}`, a portfolio the token does not
 *    list with 403;
 *  - a socket is its user's from its first request with a valid token; an 11th socket of a user
 *    is answered 429 and closed (1008), a 5,001st subscription closes its socket (1008), an
 *    overflowing reader's socket is cut (no close frame: the buffer is full);
 *  - a token that expires does not end the subscriptions it made; new requests with it get 401;
 *  - a guid subscribed again replaces its subscription (clients resubscribe with the same guids).
 */

export interface AlorStreamsOptions {
  /** Default: the ALOR simulator's market clock. */
  clock?: SimulatorClock;
  /** Default 10. */
  socketsPerUser?: number;
  /** Default 5,000. */
  subscriptionsPerSocket?: number;
  /** Messages waiting to be written before the socket is dropped. Default 5,000. */
  unreadLimit?: number;
}

export interface AlorStreams {
  server: StreamServer;
  /** The connection's `wsUrl`: ws://127.0.0.1:<port>/ws */
  readonly url: string;
  /** Switch: every access token issued so far expires (REST 401, `Invalid JWT token!` here). */
  expireTokens(): void;
}

const handledSuccessfully = 'Handled successfully';

export function createAlorStreams(simulator: AlorSimulator, options: AlorStreamsOptions = {}): AlorStreams {
  const clock = options.clock ?? simulator.state.market.clock;
  const socketsPerUser = options.socketsPerUser ?? alorStreamLimits.socketsPerUser;
  const subscriptionsPerSocket = options.subscriptionsPerSocket ?? alorStreamLimits.subscriptionsPerSocket;

  const server = new StreamServer({
    name: 'alor-streams',
    clock,
    unreadLimit: options.unreadLimit ?? alorStreamLimits.unsentMessagesPerSocket,
    route: (_request, url) => (url.pathname === '/ws' ? { open } : { status: 404 }),
  });

  function open(connection: StreamConnection): void {
    const subscriptions = new Map<string, () => void>();
    connection.onClose(() => {
      for (const stop of subscriptions.values()) stop();
      subscriptions.clear();
    });
    connection.onMessage((text) => handle(connection, subscriptions, text));
  }

  /** ALOR's two examples write their keys in different orders; both are kept as they are. */
  function reply(connection: StreamConnection, opcode: string, guid: string | undefined, httpCode: number, message: string): void {
    const body = httpCode === 200 ? { message, httpCode, requestGuid: guid } : { requestGuid: guid, httpCode, message };
    connection.send(body, { category: httpCode === 200 ? 'ack' : 'error', topic: opcode });
  }

  function handle(connection: StreamConnection, subscriptions: Map<string, () => void>, text: string): void {
    const request = parseJsonObject(text);
    if (!request) return reply(connection, 'unreadable', undefined, 400, 'The request is not a JSON object');
    const opcode = String(request['opcode'] ?? '');
    const guid = typeof request['guid'] === 'string' ? request['guid'] : undefined;
    const check = typeof request['token'] === 'string' ? simulator.checkAccessToken(request['token']) : undefined;
    if (!check?.ok) return reply(connection, opcode, guid, 401, 'Invalid JWT token!');
    if (connection.user === undefined) {
      const sockets = [...server.connections].filter((other) => other.user === check.claims.sub).length;
      if (sockets >= socketsPerUser) {
        reply(connection, opcode, guid, 429, `Too many connections: at most ${socketsPerUser} per user`);
        return connection.close(1008, 'Too many connections');
      }
      connection.user = check.claims.sub;
    }
    if (!guid) return reply(connection, opcode, guid, 400, 'guid is required');
    if (opcode === 'unsubscribe') {
      subscriptions.get(guid)?.();
      subscriptions.delete(guid);
      return reply(connection, opcode, guid, 200, handledSuccessfully);
    }
    const start = subscriptionOpcodes[opcode];
    if (!start) return reply(connection, opcode, guid, 400, `Unknown opcode ${opcode}`);
    const format = request['format'] ?? 'Simple';
    if (format !== 'Simple') return reply(connection, opcode, guid, 400, `Format ${String(format)} is not served by the simulator: use Simple`);
    const exchange = request['exchange'];
    if (exchange !== 'MOEX' && exchange !== 'SPBX') return reply(connection, opcode, guid, 400, `Unknown exchange ${String(exchange)}: expected MOEX or SPBX`);
    if (!subscriptions.has(guid) && subscriptions.size >= subscriptionsPerSocket) return connection.close(1008, 'Too many subscriptions');

    server.countSubscribe(`${opcode}:${exchange}:${String(request['code'] ?? request['portfolio'] ?? '')}`);
    const context: SubscriptionContext = {
      state: simulator.state,
      clock,
      portfolios: portfoliosOf(check.claims),
      push: (data, pushOptions = {}) => connection.send({ data, guid }, { category: 'data', topic: opcode, subscription: guid, ...pushOptions }),
    };
    const outcome = start(context, request);
    if ('httpCode' in outcome) return reply(connection, opcode, guid, outcome.httpCode, outcome.message);
    subscriptions.get(guid)?.();
    reply(connection, opcode, guid, 200, handledSuccessfully);
    subscriptions.set(guid, outcome.begin());
  }

  return {
    server,
    get url() {
      return `${server.url}/ws`;
    },
    expireTokens: () => simulator.expireAccessTokens(),
  };
}
