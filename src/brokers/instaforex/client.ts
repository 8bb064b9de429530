import type { z } from 'zod';
import type { InstaforexConnectionConfig } from './config.js';
import type { SecretRegistry } from '../../secrets.js';
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from '../http.js';
import type { Identifier } from '../identifiers.js';
import { RenewableCredential } from '../renewable-credential.js';
import { isEmptyAnswer, isSuccess, readAnswer, unreadableAnswer } from '../upstream-answer.js';
import { mapUpstreamFailure, type BrokerErrorTable } from '../upstream-errors.js';
import { instaforexLogin } from './identifiers.js';
import { badCredentials, instaforexErrors, instaforexLabel } from './map-instaforex-error.js';
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

/** InstaForex's ways of saying a passkey is no good (§5): 401 or 403, or possibly 200 with `null` or nothing. */
function passkeyRefused(response: UpstreamResponse): boolean {
  return response.status === 401 || response.status === 403 || isEmptyAnswer(response);
}

interface Passkey {
  value: string;
  /** When the login that got it was asked for: the server's clock started no later than that. */
  obtainedAt: number;
}

/**
 * The Client Cabinet API: POST the login and API password for a passkey, then GET the client
 * methods with `passkey: <token>`. Method paths come from the connection config, as all but two
 * are unconfirmed guesses (§3).
 */
export class InstaforexClient {
  private readonly passkey: RenewableCredential<Passkey>;
  private readonly errors: BrokerErrorTable;
  /** The `{login}` of every client method's path: digits, checked once (the config schema checks the same). */
  private readonly login: Identifier<'instaforex login'>;

  constructor(
    private readonly http: UpstreamClient,
    private readonly config: InstaforexConnectionConfig,
    private readonly secrets: SecretRegistry,
  ) {
    this.passkey = new RenewableCredential({
      obtain: async () => {
        const obtainedAt = Date.now();
        return { value: await this.requestPasskey(), obtainedAt };
      },
      isFresh: (passkey) => Date.now() - passkey.obtainedAt < passkeyMaximumAgeMilliseconds,
    });
    this.login = instaforexLogin.parse(config.login, 'login', config.id);
    this.errors = instaforexErrors(config.login);
  }

  /** Logs in, unless a usable passkey is held: proves the credentials work. */
  async authenticate(): Promise<void> {
    await this.passkey.current();
  }

  /** GETs a client method and parses its body; a refused passkey is renewed and the call repeated once. */
  async get<Schema extends z.ZodType>(
    method: InstaforexMethod,
    schema: Schema,
    options: { query?: UpstreamRequest['query']; signal?: AbortSignal | undefined } = {},
  ): Promise<z.output<Schema>> {
    const response = await this.passkey.send(
      (passkey) =>
        this.http.send({
          method: 'GET',
          path: this.methodPath(method),
          query: options.query,
          headers: { passkey: passkey.value, accept: 'application/json' },
          route: method,
          signal: options.signal,
        }),
      passkeyRefused,
    );
    const target = `paths.${method} ("${this.config.paths[method]}")`;
    return readAnswer(response, { ...this.source(target), errors: this.errors, schema, unwrap: lowerCaseKeys });
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
    const source = this.source('the token method api/Authentication/RequestClientApiToken');
    if (!isSuccess(response)) throw mapUpstreamFailure(response, source, this.errors);
    const passkey = readPasskey(response.text);
    if (passkey === null) throw badCredentials({ connection, login }, response.status);
    if (passkey === undefined) throw unreadableAnswer(source, response.status, 'a passkey brokerql cannot use');
    this.secrets.addRotating(this, passkey);
    return passkey;
  }

  private methodPath(method: InstaforexMethod): string {
    const template = this.config.paths[method].replace(/^\/+/, '');
    return `/${template.replace('{login}', this.login)}`;
  }

  /** What a message names: the configured path (or the token method) asked for. */
  private source(target: string) {
    return { label: instaforexLabel, connection: this.config.id, what: target, subject: target };
  }
}
