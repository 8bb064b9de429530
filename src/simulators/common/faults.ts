import type { ServerResponse } from 'node:http';
import { send, type SimulatorResponse } from './http.js';

/**
 * Faults a test (or the benchmark) injects into a simulator: a broker that answers an error
 * status, drops or resets the connection, sends garbage or nothing, or never answers.
 */

export type Fault =
  /** Answer with this status; the body defaults to the simulator's own error body for it. */
  | { kind: 'status'; status: number; body?: unknown; contentType?: string; headers?: Record<string, string> }
  /** Close the connection without any response (the broker is down or dropped it). */
  | { kind: 'drop' }
  /** Send the status line and half a body, then reset the connection. */
  | { kind: 'reset-mid-response' }
  /** 200 with a body that is not JSON. */
  | { kind: 'garbage' }
  /** 200 with an empty body. */
  | { kind: 'empty' }
  /** Never answer (the client's timeout must fire). */
  | { kind: 'hang' };

/** What a fault rule may look at to decide whether a request is affected. */
export interface FaultTarget {
  body: string;
  query: URLSearchParams;
  segments: string[];
}

export interface FaultRule {
  /** Route name to affect; all routes when absent. */
  route?: string | undefined;
  fault: Fault;
  /** How many matching requests get the fault; unlimited when absent. */
  times?: number | undefined;
  /** Whether the request is still handled (state changes) before the fault replaces the answer. */
  afterHandling?: boolean | undefined;
  /** Only requests this accepts get the fault (e.g. one account's). */
  when?: ((request: FaultTarget) => boolean) | undefined;
}

/** The injected rules, first match wins; a rule with `times` is used up. */
export class FaultRules {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  take(route: string, request: FaultTarget): FaultRule | undefined {
    const rule = this.rules.find(
      (candidate) => (candidate.route === undefined || candidate.route === route) && (candidate.when === undefined || candidate.when(request)),
    );
    if (!rule) return undefined;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.rules = this.rules.filter((candidate) => candidate !== rule);
    }
    return rule;
  }
}

/** Sends the fault instead of the answer; `brokerError` is the simulator's own body for a status. */
export function applyFault(fault: Fault, response: ServerResponse, brokerError: (status: number) => SimulatorResponse): void {
  switch (fault.kind) {
    case 'status': {
      const base = brokerError(fault.status);
      send(response, {
        status: fault.status,
        body: fault.body ?? base.body,
        contentType: fault.contentType ?? base.contentType,
        headers: { ...base.headers, ...fault.headers },
      });
      return;
    }
    case 'drop':
      response.socket?.destroy();
      return;
    case 'reset-mid-response':
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      response.write('{"payload":{"positions":[{"figi":"BBG0');
      setTimeout(() => response.socket?.destroy(), 5);
      return;
    case 'garbage':
      send(response, { status: 200, body: '{"trackingId":"5c1e0a7d", "payload": {<html>', contentType: 'application/json' });
      return;
    case 'empty':
      send(response, { status: 200, contentType: 'application/json' });
      return;
    case 'hang':
      return;
  }
}
