import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { bearerToken, parseJsonObject } from '../../common/http.js';

/**
 * How T-Invest's WebSocket bridge of its gRPC streams writes and reads JSON (streams.md §1,
 * tinvest-v2/ws/README.md): the request and response messages of the protos, the response's
 * `oneof payload` flattened (`{"orderbook": …}`), int64 as strings, Quotation/MoneyValue, RFC 3339
 * times, field names in camelCase for subprotocol `json` or the protos' own for `json-proto`,
 * and requests accepted in either.
 */

export const methodPathPrefix = '/ws/tinkoff.public.invest.api.contract.v1.';

/** gRPC status codes the bridge reports; a close code is 4000 + the gRPC code (ws/errors.md). */
export const grpcCodes = { invalidArgument: 3, permissionDenied: 7, resourceExhausted: 8, unauthenticated: 16 } as const;

/** T-Invest's error numbers (api_errors.json) the streams use. */
export const streamErrors = {
  unauthenticated: { grpc: grpcCodes.unauthenticated, number: 40003 },
  tooManyStreams: { grpc: grpcCodes.resourceExhausted, number: 80001 },
  noSubscriptions: { grpc: grpcCodes.resourceExhausted, number: 80004 },
  missingAccounts: { grpc: grpcCodes.invalidArgument, number: 30021 },
  unreadableRequest: { grpc: grpcCodes.invalidArgument, number: 30001 },
} as const;

export type StreamError = (typeof streamErrors)[keyof typeof streamErrors];

/**
 * ⚠ How the bridge delivers a gRPC error is not spelled out. asyncapi.yaml types every message of
 * a stream as `oneOf [<Method>Response, rpcStatus]` and ws/errors.md lists close codes 4000 + the
 * gRPC code; gRPC clients see T-Invest's errors as `8 RESOURCE_EXHAUSTED: 80001` (the status
 * message is the error number). So the simulator sends the rpcStatus frame
 * `{"code":8,"message":"80001"}` (`details`, empty, omitted like every empty repeated field) and
 * then closes with 4008 and the number as the close reason — a client that reads only the close
 * still tells 80001 (too many streams) from 80004 (no subscriptions).
 */
export function errorFrame(error: StreamError): { code: number; message: string } {
  return { code: error.grpc, message: String(error.number) };
}

export function closeCodeOf(error: StreamError): number {
  return 4000 + error.grpc;
}

/** The token from `Authorization: Bearer …`, or the second subprotocol (`json, <token>`), and the JSON flavour asked for. */
export function readHandshake(request: IncomingMessage): { token: string | undefined; protoNames: boolean; protocol: string | undefined } {
  const offered = (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // The docs write the header as `Web-Socket-Protocol: json`, and clients copy it verbatim.
  const documented = String(request.headers['web-socket-protocol'] ?? '').trim();
  const format = offered.find((part) => part === 'json' || part === 'json-proto') ?? (documented || 'json');
  const bearer = bearerToken(request.headers);
  const fromProtocol = offered.find((part) => part !== 'json' && part !== 'json-proto');
  return {
    token: bearer ?? fromProtocol,
    protoNames: format === 'json-proto',
    protocol: offered.length > 0 ? (offered.includes(format) ? format : offered[0]) : undefined,
  };
}

/**
 * A response message as the bridge writes it: undefined fields dropped, **empty repeated fields
 * omitted** (an orderbook with no asks has no `asks` key — streams.md §1), names converted for
 * `json-proto`. ⚠ ws/README.md's PositionsStream and PortfolioStream examples do show
 * `"futures": []`, `"options": []`, `"virtualPositions": []`; the simulator omits them as
 * streams.md says, the harder case for a reader that must treat a missing list as empty.
 */
export function encodeMessage(value: unknown, protoNames: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => encodeMessage(item, protoNames));
  if (typeof value !== 'object' || value === null) return value;
  const encoded: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || (Array.isArray(field) && field.length === 0)) continue;
    encoded[protoNames ? snakeCase(key) : key] = encodeMessage(field, protoNames);
  }
  return encoded;
}

/** A client's request with every field name in camelCase, whichever spelling it used; undefined when not a JSON object. */
export function readRequest(text: string): Record<string, unknown> | undefined {
  const parsed = parseJsonObject(text);
  return parsed === undefined ? undefined : (camelKeys(parsed) as Record<string, unknown>);
}

function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()), camelKeys(field)]));
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The ping interval a request asks for, in milliseconds, kept within the method's documented
 * range (common.proto PingDelaySettings: 5,000–180,000; OrderStateStreamRequest.ping_delay_millis:
 * 1,000–120,000); 120,000 when not asked. ⚠ The docs do not say what happens out of range: the
 * simulator clamps.
 */
export function pingDelay(asked: unknown, range: { minimum: number; maximum: number } = { minimum: 5_000, maximum: 180_000 }): number {
  const value = typeof asked === 'number' ? asked : typeof asked === 'string' && /^\d+$/.test(asked) ? Number(asked) : undefined;
  if (value === undefined) return 120_000;
  return Math.min(range.maximum, Math.max(range.minimum, value));
}

export function timestamp(milliseconds: number): string {
  return new Date(Math.floor(milliseconds)).toISOString();
}

/** `x-tracking-id`-style ids: 32 hex digits. */
export function trackingId(): string {
  return randomUUID().replaceAll('-', '');
}

export function isUid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
