import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SocketFeed, type SocketProtocol } from '../src/streams/socket-feed.js';
import type { FeedTopic } from '../src/streams/feed.js';
import { until } from './support/until.js';

/**
 * A broker credential (ALOR's JWT) that is due for renewal sends every subscription again with the
 * new one. When the credential host is down, the keeper hands out the old token, still due: the
 * subscriptions must not then be sent again at once, over and over.
 */

let server: WebSocketServer | undefined;
let feed: SocketFeed | undefined;
afterEach(async () => {
  feed?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('a market-data feed whose credential stays due', () => {
  it('sends its subscriptions again no sooner than the renewal floor, not in a loop', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server!.once('listening', resolve));
    const received: string[] = [];
    server.on('connection', (socket) => socket.on('message', (data) => received.push(String(data))));
    const port = (server.address() as { port: number }).port;

    const protocol: SocketProtocol = {
      connection: 'alor',
      brokerLabel: 'ALOR',
      kinds: new Set(['lastPrice']),
      topicsPerSocket: 100,
      maxSockets: 1,
      heartbeat: 'websocket',
      endpoint: async () => ({ url: `ws://127.0.0.1:${port}/ws` }),
      opening: () => [],
      subscribe: async (topics) => topics.map((topic) => `subscribe ${topic.key}`),
      unsubscribe: async (topics) => topics.map((topic) => `unsubscribe ${topic.key}`),
      change: async () => [],
      read: () => [],
      closed: () => ({ reconnect: true }),
      // The old token, its refresh time already past: what a keeper whose auth host is down hands out.
      renewAt: () => Date.now() - 1_000,
    };
    feed = new SocketFeed(protocol, { settings: { unavailableAfterMs: 30_000, silenceMs: 30_000, maxUpstreamSubscriptions: 100 } });
    const topic = { kind: 'lastPrice', key: 'MOEX:SBER', instrument: {} } as unknown as FeedTopic;
    feed.subscribe(topic, { next: () => undefined, interrupted: () => undefined, fail: () => undefined });
    await until(() => received.length >= 1, 'the subscription to reach the broker');
    // Many event-loop turns and timer phases: a renewal scheduled "now" would have sent it again by far.
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual(['subscribe MOEX:SBER']);
  });
});
