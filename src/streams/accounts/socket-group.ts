import { BrokerqlError, InternalError } from '../../errors.js';
import type { FeedObserver } from '../feed.js';
import { UpstreamSocket, type CloseVerdict, type SocketEndpoint } from '../upstream-socket.js';
import type { AccountStreams, AccountStreamSink } from './account-streams.js';
import { credentialRenewalFloorMilliseconds } from '../settings.js';

/**
 * A broker's account streams as one: each is a self-healing socket (upstream-socket.ts) whose
 * request is sent again on every reconnect; the group is live when every socket carries data,
 * and tells its sink when it becomes live (again) — the moment to re-read what a gap may have
 * hidden. One socket given up for good (the broker refused it) ends them all: the feed then
 * polls for the whole connection rather than mixing a stream with polls. A broker whose requests
 * carry a renewable credential (ALOR's JWT) has them sent again, with the new one, when it is due.
 */

export interface GroupedStream {
  /** Where to connect (the broker's method path). */
  endpoint(): Promise<SocketEndpoint>;
  /** The frames a fresh socket sends: its request (building them may wait for a credential). */
  opening(): string[] | Promise<string[]>;
  /** Reads one frame; returns whether it shows the stream working (an error frame before a close does not). */
  read(text: string, control: StreamControl): boolean;
  closed(code: number, reason: string, wasLive: boolean): CloseVerdict;
  /** When the credential the opening frames carry is due for renewal: they are built and sent again then. */
  renewAt?(): number | undefined;
}

/** What a frame may ask of its socket. */
export interface StreamControl {
  /** Sends the opening frames again once `ready` settles (a request refused for a credential since replaced). */
  reopenAfter(ready: Promise<unknown>): void;
  /** Ends the group: the broker refused something a retry will not change. */
  fail(error: BrokerqlError): void;
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
  const renewals: NodeJS.Timeout[] = [];
  let closed = false;
  let wasLive = false;
  let lastMessageAt: number | undefined;
  const allLive = () => sockets.length === streams.length && sockets.every((socket) => socket.live);
  const close = () => {
    closed = true;
    for (const timer of renewals) clearTimeout(timer);
    for (const socket of sockets) socket.close();
  };
  const fail = (error: BrokerqlError) => {
    if (closed) return;
    close();
    options.sink.failed(error);
  };
  const noticeLive = () =>
    // After the socket has counted the frame as heard (it does so once its handler returns).
    queueMicrotask(() => {
      if (closed || wasLive || !allLive()) return;
      wasLive = true;
      options.sink.live();
    });

  streams.forEach((stream, index) => {
    // Frames go out in order, though building them may wait for a credential.
    let sending: Promise<void> = Promise.resolve();
    const sendOpening = (after: Promise<unknown> = Promise.resolve()) => {
      sending = sending
        .then(() => after)
        .then(() => stream.opening())
        .then((frames) => {
          for (const frame of frames) socket.send(frame);
          scheduleRenewal();
        })
        .catch((error: unknown) => fail(error instanceof BrokerqlError ? error : new InternalError('brokerql could not build its stream request', { cause: error, connection: options.connection })));
    };
    const scheduleRenewal = () => {
      const at = stream.renewAt?.();
      if (at === undefined || closed) return;
      clearTimeout(renewals[index]);
      // Not sooner than a few seconds: a credential host that is down keeps handing out the old one, still due.
      renewals[index] = setTimeout(() => sendOpening(), Math.max(credentialRenewalFloorMilliseconds, at - Date.now()));
      renewals[index]!.unref();
    };
    const control: StreamControl = { reopenAfter: sendOpening, fail };
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
        opened: () => sendOpening(),
        message: (text) => {
          lastMessageAt = Date.now();
          let working: boolean;
          try {
            working = stream.read(text, control);
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
        failed: fail,
      },
    );
    sockets.push(socket);
  });

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
