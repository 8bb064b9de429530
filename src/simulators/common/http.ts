import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** What simulators see of a request and give back, below any broker protocol. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface SimulatorRequest {
  method: string;
  /** Decoded path segments, e.g. ['md', 'v2', 'Clients', 'MOEX', 'D39004', 'positions']. */
  segments: string[];
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The route's name, as counted. */
  route: string;
}

export interface SimulatorResponse {
  status: number;
  /** A string is sent as is; anything else as JSON. Omit for an empty body. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export function send(response: ServerResponse, answer: SimulatorResponse): void {
  if (response.headersSent || response.destroyed) return;
  const text =
    answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body !== undefined || answer.contentType) headers['content-type'] = answer.contentType ?? 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  response.writeHead(answer.status, headers);
  response.end(text);
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON object body; undefined for anything else (empty, not JSON, an array, a scalar), which the caller answers with its broker's refusal. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['authorization'];
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** The Bearer tokens a simulated broker accepts, each with what it grants (an access level, an environment). */
export class BearerTokens<Grant> {
  private readonly grants: Map<string, Grant>;

  constructor(entries: Iterable<readonly [string, Grant]>) {
    this.grants = new Map(entries);
  }

  /** The request's token and its grant; undefined when it carries none or one the broker does not know. */
  find(request: SimulatorRequest): { token: string; grant: Grant } | undefined {
    const token = bearerToken(request.headers);
    const grant = token === undefined ? undefined : this.grants.get(token);
    return token === undefined || grant === undefined ? undefined : { token, grant };
  }

  /** What a token grants; undefined for one the broker does not know, or no longer does. */
  grantOf(token: string): Grant | undefined {
    return this.grants.get(token);
  }

  /** The broker stops accepting the token (revoked in its cabinet). */
  revoke(token: string): void {
    this.grants.delete(token);
  }
}
