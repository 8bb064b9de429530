import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../src/config.js';
import { temporaryDirectory } from './support/temporary-directory.js';

const directory = temporaryDirectory('brokerql-config');

function writeConfig(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
}

function loadError(text: string, env: Record<string, string> = {}): string {
  const file = writeConfig('broken.yaml', text);
  try {
    loadConfigFile(file, { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('config file', () => {
  it('reads the contract example with ${ENV} interpolation and documented defaults', () => {
    const file = writeConfig(
      'brokerql.yaml',
      `
connections:
  - id: tbank
    broker: tinkoff
    token: \${TINKOFF_TOKEN}
  - id: tinkoff-legacy
    broker: tinkoff-v1
    token: \${TINKOFF_V1_TOKEN}
  - id: alor
    broker: alor
    refreshToken: \${ALOR_REFRESH_TOKEN}
  - id: ifx
    broker: instaforex
    login: 2100123
    password: \${INSTAFOREX_API_PASSWORD}
`,
    );
    const config = loadConfigFile(file, {
      env: { TINKOFF_TOKEN: 't.abc', TINKOFF_V1_TOKEN: 't.v1', ALOR_REFRESH_TOKEN: 'refresh', INSTAFOREX_API_PASSWORD: 'pw' },
    });
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 4000,
      requestTimeoutMs: 30_000,
      introspection: true,
      graphiql: true,
      dashboard: true,
      corsOrigins: [],
      trustProxy: false,
      shutdownTimeoutMs: 10_000,
      headersTimeoutMs: 15_000,
      bodyTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      limits: {
        maxDepth: 12,
        maxAliases: 30,
        maxTokens: 3_000,
        maxCost: 5_000,
        maxListItems: 20_000,
        maxBatch: 10,
        maxRequestBytes: 102_400,
        authFailuresPerMinute: 20,
        maxConnections: 512,
        maxBrokerCallsPerRequest: 200,
      },
    });
    expect(config.cache).toEqual({ instrumentsTtlSeconds: 21_600, accountsTtlSeconds: 60, maxInstruments: 5_000, liveAccounts: true });
    expect(config.metrics).toEqual({ enabled: true, port: null });
    expect(config.audit).toEqual({ retentionDays: 400 });
    expect(config.valuation).toEqual({ recordEveryMinutes: 5, retentionDays: 3_650 });
    expect(config.journal).toEqual({ enabled: true, syncIntervalSeconds: 300, since: '2015-01-01', windowDays: 90, lookbackDays: 30, pageSize: 1_000 });
    expect(config.streams).toEqual({
      graceMs: 10_000,
      unavailableAfterMs: 30_000,
      tokenCheckMs: 5_000,
      silenceMs: 15_000,
      pollIntervalMs: 1_000,
      maxUpstreamSubscriptions: 1_000,
      maxSubscriptionsPerSocket: 100,
      accountPollMs: 3_000,
      reconcileAfterMs: 2_000,
      liveCheckMs: 60_000,
      accountIdleMs: 300_000,
    });
    expect(config.dataDir).toBe(path.join(directory, 'data'));
    expect(config.connections).toEqual([
      {
        id: 'tbank',
        broker: 'tinkoff',
        token: 't.abc',
        baseUrl: 'https://invest-public-api.tbank.ru/rest',
        streamUrl: 'wss://invest-public-api.tbank.ru/ws',
        marketDataStreams: 4,
        timeoutMs: 15_000,
        connectTimeoutMs: 5_000,
        quota: true,
      },
      { id: 'tinkoff-legacy', broker: 'tinkoff-v1', token: 't.v1', baseUrl: 'https://api-invest.tinkoff.ru/openapi', timeoutMs: 15_000, connectTimeoutMs: 5_000, quota: true },
      {
        id: 'alor',
        broker: 'alor',
        refreshToken: 'refresh',
        apiUrl: 'https://api.alor.ru',
        authUrl: 'https://oauth.alor.ru',
        exchange: 'MOEX',
        wsUrl: 'wss://api.alor.ru/ws',
        sockets: 2,
        timeoutMs: 15_000,
        connectTimeoutMs: 5_000,
        quota: true,
      },
      {
        id: 'ifx',
        broker: 'instaforex',
        login: '2100123',
        password: 'pw',
        baseUrl: 'https://client-api.instaforex.com',
        paths: {
          balance: 'client/RequestBalanceInformation/{login}',
          openTrades: 'client/RequestOpenTrades/{login}',
          closedTrades: 'client/RequestClosedTrades/{login}',
        },
        timeoutMs: 15_000,
        connectTimeoutMs: 5_000,
        quota: true,
      },
    ]);
    expect(Object.isFrozen(config.connections[0])).toBe(true);
  });

  it('lets --port override the file and accepts a port from ${PORT} as text', () => {
    const file = writeConfig('port.yaml', 'server:\n  port: ${PORT}\nconnections:\n  - id: tbank\n    broker: tinkoff\n    token: t\n');
    expect(loadConfigFile(file, { env: { PORT: '4321' } }).server.port).toBe(4321);
    expect(loadConfigFile(file, { env: { PORT: '4321' }, port: 5000 }).server.port).toBe(5000);
  });

  it('names the file and the key of a missing environment variable', () => {
    const message = loadError('connections:\n  - id: tbank\n    broker: tinkoff\n    token: ${TINKOFF_TOKEN}\n');
    expect(message).toBe(`${path.join(directory, 'broken.yaml')}: connections[0].token: environment variable TINKOFF_TOKEN is not set`);
  });

  it('names an unknown key', () => {
    expect(loadError('connections:\n  - id: tbank\n    broker: tinkoff\n    token: t\n    tokne: x\n')).toMatch(
      /broken\.yaml: connections\[0\]\.tokne: unknown key$/,
    );
    expect(loadError('sever:\n  port: 1\n')).toMatch(/broken\.yaml: sever: unknown key$/);
  });

  it('names a wrong type', () => {
    expect(loadError('server:\n  port: many\n')).toMatch(/broken\.yaml: server\.port: /);
    expect(loadError('server:\n  port: 70000\n')).toMatch(/server\.port: .*65535/);
    expect(loadError('connections:\n  - id: ifx\n    broker: instaforex\n    login: [1]\n    password: p\n')).toMatch(/connections\[0\]\.login/);
  });

  it('refuses a duplicate connection id, naming both entries', () => {
    const message = loadError(
      'connections:\n  - id: tbank\n    broker: tinkoff\n    token: a\n  - id: tbank\n    broker: tinkoff-v1\n    token: b\n',
    );
    expect(message).toMatch(/connections\[1\]\.id: duplicate connection id "tbank" \(also connections\[0\]\)/);
  });

  it('lists the known brokers for an unknown one, and reports a missing required key', () => {
    expect(loadError('connections:\n  - id: x\n    broker: tinkof\n')).toMatch(
      /connections\[0\]\.broker: unknown broker "tinkof" \(known: tinkoff, tinkoff-v1, alor, instaforex\)/,
    );
    expect(loadError('connections:\n  - id: x\n    broker: tinkoff\n')).toMatch(/connections\[0\]\.token: missing/);
  });

  it('checks connection ids and URLs', () => {
    expect(loadError('connections:\n  - id: TBank\n    broker: tinkoff\n    token: t\n')).toMatch(/connections\[0\]\.id: must match/);
    expect(loadError('connections:\n  - id: tbank\n    broker: tinkoff\n    token: t\n    baseUrl: ftp://x\n')).toMatch(
      /connections\[0\]\.baseUrl: expected an http\(s\) URL/,
    );
  });

  it('checks the stream endpoints and the streams section', () => {
    expect(loadError('connections:\n  - id: tbank\n    broker: tinkoff\n    token: t\n    streamUrl: https://x/ws\n')).toMatch(
      /connections\[0\]\.streamUrl: expected a ws\(s\) URL/,
    );
    expect(loadError('connections:\n  - id: alor\n    broker: alor\n    refreshToken: r\n    sockets: 11\n')).toMatch(/connections\[0\]\.sockets: expected a whole number from 1 to 10/);
    expect(loadError('streams:\n  graceMs: 60000\nconnections:\n  - id: t\n    broker: tinkoff\n    token: t\n')).toMatch(
      /broken\.yaml: streams\.graceMs: expected a whole number from 0 to 30000/,
    );
    expect(loadError('streams:\n  tokenCheckMs: 60000\nconnections:\n  - id: t\n    broker: tinkoff\n    token: t\n')).toMatch(/streams\.tokenCheckMs: .*10000/);
  });

  it('reports unreadable files and broken YAML in one line', () => {
    expect(() => loadConfigFile(path.join(directory, 'absent.yaml'), { env: {} })).toThrow(/absent\.yaml: file not found; write one/);
    expect(loadError('server: [\n')).toMatch(/broken\.yaml: not valid YAML \(line \d+\)/);
  });

  it('validates configs built in code the same way', () => {
    expect(() => parseConfig({ connections: [{ id: 'a', broker: 'alor' }] }, { env: {} })).toThrow(
      'config: connections[0].refreshToken: missing',
    );
  });

  it('takes valuation.recordEveryMinutes from 0 (off) to a day, naming the key otherwise', () => {
    const connections = [{ id: 't', broker: 'tinkoff', token: 't' }];
    expect(parseConfig({ valuation: { recordEveryMinutes: '0', retentionDays: 30 }, connections }, { env: {} }).valuation).toEqual({ recordEveryMinutes: 0, retentionDays: 30 });
    expect(() => parseConfig({ valuation: { recordEveryMinutes: -1 }, connections }, { env: {} })).toThrow('config: valuation.recordEveryMinutes: expected a whole number from 0 to 1440');
    expect(() => parseConfig({ valuation: { keepDays: 3 }, connections }, { env: {} })).toThrow(/config: valuation/);
  });

  it('refuses a server.bodyTimeoutMs shorter than server.headersTimeoutMs, which it includes', () => {
    expect(loadError('server:\n  headersTimeoutMs: 20000\n  bodyTimeoutMs: 10000\nconnections:\n  - id: t\n    broker: tinkoff\n    token: t\n')).toMatch(
      /broken\.yaml: server\.bodyTimeoutMs: must be at least server\.headersTimeoutMs \(20000\)/,
    );
  });
});

describe('config file mistakes that used to pass or crash', () => {
  const connection = 'connections:\n  - id: tbank\n    broker: tinkoff\n';

  it('names the key of an unterminated ${NAME, and of a ${ that starts no reference', () => {
    expect(loadError(`${connection}    token: \${TINKOFF_TOKEN\n`, { TINKOFF_TOKEN: 't.abc' })).toBe(
      `${path.join(directory, 'broken.yaml')}: connections[0].token: an unterminated or malformed \${ (expected \${NAME}, NAME of letters, digits and _; a literal \${ can come from an environment variable)`,
    );
    expect(loadError(`${connection}    token: t.\${ TOKEN }\n`)).toMatch(/broken\.yaml: connections\[0\]\.token: an unterminated or malformed \$\{/);
    // A value that comes from the environment is taken as it is, ${ and all.
    const file = writeConfig('literal.yaml', `${connection}    token: \${TINKOFF_TOKEN}\n`);
    expect(loadConfigFile(file, { env: { TINKOFF_TOKEN: 't.${x' } }).connections[0]).toMatchObject({ token: 't.${x' });
  });

  it('refuses an empty file and one without connections, for whatever needs connections', () => {
    expect(loadError('')).toBe(`${path.join(directory, 'broken.yaml')}: the file is empty; it needs at least one entry under connections (README, "Running it for real")`);
    expect(loadError('# only a comment\n')).toMatch(/broken\.yaml: the file is empty/);
    expect(loadError('dataDir: ./data\n')).toBe(`${path.join(directory, 'broken.yaml')}: connections: missing; at least one connection is needed (README, "Running it for real")`);
    expect(loadError('connections: []\n')).toMatch(/broken\.yaml: connections: missing; at least one connection is needed/);
    expect(() => parseConfig({}, { env: {} })).toThrow('config: connections: missing; at least one connection is needed');
  });

  it('accepts them where no connection is needed (token list, audit, backup)', () => {
    const empty = writeConfig('empty.yaml', '');
    expect(loadConfigFile(empty, { env: {}, needsConnections: false }).dataDir).toBe(path.join(directory, 'data'));
    const dataOnly = writeConfig('data-only.yaml', 'dataDir: ./elsewhere\n');
    expect(loadConfigFile(dataOnly, { env: {}, needsConnections: false }).connections).toEqual([]);
  });

  it('refuses a recursive YAML alias in one line naming the file', () => {
    const message = loadError(`a: &loop [*loop]\n${connection}    token: t\n`);
    expect(message).toBe(`${path.join(directory, 'broken.yaml')}: a[0]: refers to itself (a recursive YAML alias)`);
    const builtInCode: Record<string, unknown> = { connections: [{ id: 'tbank', broker: 'tinkoff', token: 't' }] };
    builtInCode['server'] = { limits: builtInCode };
    expect(() => parseConfig(builtInCode, { env: {} })).toThrow('config: server.limits: refers to itself (a recursive YAML alias)');
  });

  it('refuses an alias bomb (billion laughs) in one line naming the file, without expanding it', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'bcdefghijklmnop';
    for (let index = 0; index < names.length; index++) {
      const previous = index === 0 ? 'a' : names[index - 1];
      lines.push(`${names[index]}: &${names[index]} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
    }
    // 9^16 strings if it were expanded.
    const message = loadError(`${lines.join('\n')}\n${connection}    token: t\n`);
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toBe(`${path.join(directory, 'broken.yaml')}: not valid YAML: too many aliases (more than 100 expansions; an alias bomb?)`);
  });
});
