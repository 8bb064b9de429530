import type { StreamServer } from './common/websocket.js';
import type { RunningSimulators } from './index.js';

/**
 * The stream simulators' switches and records over HTTP, for a simulator running in a process
 * of its own (the benchmark's): bench/simulators.ts hands every `/market/…` and `/streams/…`
 * request here. `broker` (tinkoff | alor) narrows an action to one simulator; all by default.
 *
 *   POST /market/ticking?perSecond=10[&instruments=KEY,KEY]   automatic random-walk steps (0 stops)
 *   POST /market/tick[?count=N]                               N steps at once
 *   GET  /streams/counts                                      open sockets, sockets opened, subscribe requests
 *   GET  /streams/log[?since=N]                               data messages sent (socket, subscription, sequence, sentAt, time)
 *   POST /streams/reset                                       clears records and switches
 *   POST /streams/drop[?socket=ID]                            cuts sockets without a close frame
 *   POST /streams/stall?on=1|0                                stops (or resumes) everything silently
 *   POST /streams/lag?ms=N                                    holds order events back
 *   POST /streams/drop-events?count=K[&topic=T]               loses the next K data messages
 *   POST /streams/refuse?count=K                              T-Invest: the next K stream opens get 80001
 *   POST /streams/expire-token[?token=T]                      T-Invest: revokes T; ALOR: every issued JWT expires
 */

export interface ControlAnswer {
  status: number;
  body: unknown;
}

export function streamControl(running: RunningSimulators, method: string, url: URL): ControlAnswer | undefined {
  const query = url.searchParams;
  const broker = query.get('broker');
  const chosen = Object.entries(running.byBroker).flatMap(([kind, started]) => (started && (broker === null || broker === kind) ? [[kind, started] as const] : []));
  const streams = chosen.flatMap(([kind, started]): Array<[string, StreamServer]> => (started.streams ? [[kind, started.streams.server]] : []));
  const markets = chosen.flatMap(([, started]) => (started.market ? [started.market] : []));
  const number = (name: string, fallback: number) => (query.get(name) === null ? fallback : Number(query.get(name)));
  const done = { status: 200, body: { ok: true } };
  const each = (action: (server: StreamServer) => unknown) => ({ status: 200, body: Object.fromEntries(streams.map(([name, server]) => [name, action(server)])) });

  switch (`${method} ${url.pathname}`) {
    case 'POST /market/ticking': {
      const instruments = query.get('instruments')?.split(',').filter(Boolean);
      for (const market of markets) market.startTicking(number('perSecond', 0), instruments?.filter((key) => market.has(key)));
      return done;
    }
    case 'POST /market/tick':
      for (let step = 0; step < number('count', 1); step += 1) for (const market of markets) market.tick();
      return done;
    case 'GET /streams/counts':
      return each((server) => ({ openSockets: server.openSockets, socketsOpened: server.socketsOpened, subscribeRequests: server.subscribeRequestCounts() }));
    case 'GET /streams/log':
      return each((server) => server.sendLog().slice(number('since', 0)));
    case 'POST /streams/reset':
      return each((server) => {
        server.resetRecords();
        server.switches.reset();
        return true;
      });
    case 'POST /streams/drop':
      return each((server) => server.dropSockets((connection) => query.get('socket') === null || String(connection.id) === query.get('socket')));
    case 'POST /streams/stall':
      return each((server) => (server.switches.stalled = query.get('on') !== '0'));
    case 'POST /streams/lag':
      return each((server) => (server.switches.orderLagMilliseconds = number('ms', 0)));
    case 'POST /streams/drop-events':
      return each((server) => server.switches.dropNextEvents(number('count', 1), query.get('topic') ?? undefined));
    case 'POST /streams/refuse':
      running.tinkoffStreams?.refuseNextOpens(number('count', 1));
      return done;
    case 'POST /streams/expire-token': {
      const token = query.get('token');
      if (token && broker !== 'alor') running.tinkoffStreams?.revokeToken(token);
      if (broker !== 'tinkoff') running.alorStreams?.expireTokens();
      return done;
    }
    default:
      return url.pathname.startsWith('/market/') || url.pathname.startsWith('/streams/') ? { status: 404, body: { error: `no such control: ${method} ${url.pathname}` } } : undefined;
  }
}
