import type { BrokerqlError } from '../../errors.js';
import type { FeedObserver } from '../feed.js';
import { UpstreamSocket, type CloseVerdict, type SocketEndpoint } from '../upstream-socket.js';
import type { AccountStreams, AccountStreamSink } from './account-streams.js';

/**
 * A broker's account streams as one: each is a self-healing socket (upstream-socket.ts) whose
 * request is sent again on every reconnect; the group is live when every socket carries data,
 * and tells its sink when it becomes live (again) — the moment to re-read what a gap may have
 * hidden. One socket given up for good (the broker refused it) ends them all: the feed then
 * polls for the whole connection rather than mixing a stream with polls.
 */

export interface GroupedStream {
  /** Where to connect (the broker's method path). */
  endpoint(): Promise<SocketEndpoint>;
  /** The frames a fresh socket sends: its request. */
  opening(): string[];
  /** Reads one frame; returns whether it shows the stream working (an error frame before a close does not). */
  read(text: string): boolean;
  closed(code: number, reason: string, wasLive: boolean): CloseVerdict;
}

export interface SocketGroupOptions {
  connection: string;
  brokerLabel: string;
  heartbeat: 'broker' | 'websocket';
  settings: { silenceMs: number; unavailableAfterMs: number };
  observer?: FeedObserver | undefined;
  sink: Pick<AccountStreamSink, 'live' | 'interrupted' | 'failed'>;
}

export function openSocketGroup(streams: GroupedStream[], options: SocketGroupOptions): AccountStreams {
  const sockets: UpstreamSocket[] = [];
  let closed = false;
  let wasLive = false;
  let lastMessageAt: number | undefined;
  const allLive = () => sockets.length === streams.length && sockets.every((socket) => socket.live);
  const close = () => {
    closed = true;
    for (const socket of sockets) socket.close();
  };
  const noticeLive = () =>
    // After the socket has counted the frame as heard (it does so once its handler returns).
    queueMicrotask(() => {
      if (closed || wasLive || !allLive()) return;
      wasLive = true;
      options.sink.live();
    });

  for (const stream of streams) {
    const socket: UpstreamSocket = new UpstreamSocket(
      {
        connection: options.connection,
        brokerLabel: options.brokerLabel,
        heartbeat: options.heartbeat,
        silenceMs: options.settings.silenceMs,
        unavailableAfterMs: options.settings.unavailableAfterMs,
        observer: options.observer,
      },
      {
        endpoint: () => stream.endpoint(),
        opened: () => {
          for (const frame of stream.opening()) socket.send(frame);
        },
        message: (text) => {
          lastMessageAt = Date.now();
          let working: boolean;
          try {
            working = stream.read(text);
          } catch (error) {
            // One frame brokerql cannot read must not take the stream down; polls catch up what it said.
            options.observer?.unreadable?.(error);
            working = true;
          }
          if (working) noticeLive();
          return working;
        },
        closedByBroker: (code, reason, live) => stream.closed(code, reason, live),
        interrupted: () => {
          if (!wasLive) return;
          wasLive = false;
          options.sink.interrupted();
        },
        failed: (error: BrokerqlError) => {
          if (closed) return;
          close();
          options.sink.failed(error);
        },
      },
    );
    sockets.push(socket);
  }

  return {
    get live() {
      return !closed && allLive();
    },
    get sockets() {
      return sockets.filter((socket) => socket.isOpen).length;
    },
    get reconnects() {
      return sockets.reduce((sum, socket) => sum + socket.reconnects, 0);
    },
    get lastMessageAt() {
      return lastMessageAt;
    },
    close,
  };
}
