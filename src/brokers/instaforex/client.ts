import type { z } from 'zod';
import type { InstaforexConnectionConfig } from '../../config.js';
import { UpstreamUnavailableError } from '../../errors.js';
import type { SecretRegistry } from '../../secrets.js';
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from '../http.js';
import type { Identifier } from '../identifiers.js';
import { parseJsonExact } from '../json.js';
import { instaforexLogin } from './identifiers.js';
import { badCredentials, mapInstaforexError, type InstaforexCall } from './map-instaforex-error.js';
import { PasskeySession, type Passkey } from './passkey.js';
import { lowerCaseKeys } from './wire.js';

/** The configurable client methods: `paths.balance`, `paths.openTrades`, `paths.closedTrades`. */
export type InstaforexMethod = keyof InstaforexConnectionConfig['paths'];

/** The token method for a trading account's own data (§2, confirmed). */
const tokenPath = '/api/Authentication/RequestClientApiToken';

/**
 * How long a passkey is used before a new login. The real lifetime is undocumented (§2; one
 * client guesses 90 min, the simulator defaults to 60). Renewing at 50 min keeps a passkey from
 * expiring between the check and the call, and costs about one login an hour; a shorter real
 * lifetime is still handled, by the re-login on a refused passkey.
 */
export const passkeyMaximumAgeMilliseconds = 50 * 60_000;

/**
 * Reads the token method's body: a JSON string literal (`"5d0c…"`), or the bare token from a
 * server that omits the quotes. `null` and nothing mean refused credentials (null is returned);
 * anything that cannot be sent as a header value is unreadable (undefined).
 */
export function readPasskey(text: string): string | null | undefined {
  const body = text.trim();
  if (body === '' || body === 'null') return null;
  let passkey: unknown = body;
  if (body.startsWith('"')) {
    try {
      passkey = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (passkey === '') return null;
  return typeof passkey === 'string' && /^[\x21-\x7e]{1,1024}$/.test(passkey) ? passkey : undefined;
}

const isSuccess = (response: UpstreamResponse) => response.status >= 200 && response.status < 300;

/** A 2xx answer with `null` or nothing: no client method has a reason to send that for a readable account. */
function isEmptyAnswer(response: UpstreamResponse): boolean {
  const body = response.text.trim();
  return isSuccess(response) && (body === '' || body === 'null');
}

/** InstaForex's ways of saying a passkey is no good (§5): 401 or 403, or possibly 200 with `null` or nothing. */
function passkeyRefused(response: UpstreamResponse): boolean {
  return response.status === 401 || response.status === 403 || isEmptyAnswer(response);
}

/**
 * The Client Cabinet API: POST the login and API password for a passkey, then GET the client
 * methods with `passkey: <token>`. Method paths come from the connection config, as all but two
 * are unconfirmed guesses (§3).
 */
export class InstaforexClient {
  private readonly session: PasskeySession;
  /** The `{login}` of every client method's path: digits, checked once (the config schema checks the same). */
  private readonly login: Identifier<'instaforex login'>;

  constructor(
    private readonly http: UpstreamClient,
    private readonly config: InstaforexConnectionConfig,
    private readonly secrets: SecretRegistry,
  ) {
    this.session = new PasskeySession({ login: () => this.requestPasskey(), maximumAgeMilliseconds: passkeyMaximumAgeMilliseconds });
    this.login = instaforexLogin.parse(config.login, 'login', config.id);
  }

  /** Logs in, unless a usable passkey is held: proves the credentials work. */
  async authenticate(): Promise<void> {
    await this.session.get();
  }

  /** GETs a client method and parses its body; a refused passkey is renewed and the call repeated once. */
  async get<Schema extends z.ZodType>(
    method: InstaforexMethod,
    schema: Schema,
    options: { query?: UpstreamRequest['query']; signal?: AbortSignal | undefined } = {},
  ): Promise<z.output<Schema>> {
    const call = this.describe(method);
    const request = (passkey: Passkey) =>
      this.http.send({
        method: 'GET',
        path: this.methodPath(method),
        query: options.query,
        headers: { passkey: passkey.value, accept: 'application/json' },
        route: method,
        signal: options.signal,
      });
    const passkey = await this.session.get();
    let response = await request(passkey);
    if (passkeyRefused(response)) response = await request(await this.session.renew(passkey));
    if (!isSuccess(response)) throw mapInstaforexError(response, call);
    if (isEmptyAnswer(response)) throw this.unreadable(call, response, 'an empty body');
    let body: unknown;
    try {
      body = lowerCaseKeys(parseJsonExact(response.text));
    } catch {
      throw this.unreadable(call, response, 'a body that is not JSON');
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw this.unreadable(call, response, 'a body brokerql cannot read');
    return parsed.data;
  }

  private async requestPasskey(): Promise<string> {
    const { id: connection, login, password } = this.config;
    // Login is an int in the official samples (§2); BigInt writes the digits exactly, however long.
    const body = `{"Login":${BigInt(login)},"Password":${JSON.stringify(password)}}`;
    const response = await this.http.send({
      method: 'POST',
      path: tokenPath,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      route: 'RequestClientApiToken',
      purpose: 'authentication',
    });
    if (response.status === 401 || response.status === 403) throw badCredentials({ connection, login }, response.status);
    const call = { connection, login, target: 'the token method api/Authentication/RequestClientApiToken' };
    if (!isSuccess(response)) throw mapInstaforexError(response, call);
    const passkey = readPasskey(response.text);
    if (passkey === null) throw badCredentials({ connection, login }, response.status);
    if (passkey === undefined) throw this.unreadable(call, response, 'a passkey brokerql cannot use');
    this.secrets.addRotating(this, passkey);
    return passkey;
  }

  private methodPath(method: InstaforexMethod): string {
    const template = this.config.paths[method].replace(/^\/+/, '');
    return `/${template.replace('{login}', this.login)}`;
  }

  private describe(method: InstaforexMethod): InstaforexCall {
    return { connection: this.config.id, login: this.config.login, target: `paths.${method} ("${this.config.paths[method]}")` };
  }

  private unreadable(call: InstaforexCall, response: UpstreamResponse, what: string) {
    return new UpstreamUnavailableError(`InstaForex answered ${call.target} with ${what}`, {
      connection: call.connection,
      status: response.status,
    });
  }
}
