import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { TokenStore } from '../auth/tokens.js';
import { loadConfigFile, type Config } from '../config.js';
import { openDatabase } from '../storage/database.js';
import { createGateway, serve } from '../server.js';
import { startSimulators } from '../simulators/index.js';
import { cliLogger, parseCommandLine, parsePort, type CommandEnvironment } from './common.js';

const sampleQuery = '{ accounts { id broker portfolio { cash { amount currency } } } }';
/** T-Invest's simulated SBER moves twice a second: its book, live. */
const sampleSubscription = 'subscription { orderbook(connection: "tbank", instrument: { figi: "BBG004730N88" }, depth: 3) { asOf bids { price quantity } asks { price quantity } } }';
/**
 * The simulated T-Invest account's order changes (see "Live accounts"): quiet until an order is
 * placed, so the printout says how to place one. `portfolio(accountId:)` is the other account
 * subscription; its line would look the same.
 */
const sampleAccountSubscription = 'subscription { orderEvents(accountId: "tbank:2000345678") { kind source fill { lots price } order { id status executedLots } } }';
const sampleOrder = 'mutation { placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, type: MARKET, lots: 1 }) { id status } }';

/**
 * `brokerql demo`: every broker simulated on loopback, a config written for them, and the
 * gateway served from that config — the same path `serve` takes, with no credentials.
 */
export async function demoCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: { port: { type: 'string' }, 'log-level': { type: 'string' } },
    allowPositionals: false,
  });
  const port = parsePort(values.port, '--port') ?? parsePort(environment.env['PORT'], 'PORT') ?? 4000;
  const logger = cliLogger(values['log-level'] ?? environment.env['LOG_LEVEL'] ?? 'warn', environment);
  const directory = mkdtempSync(path.join(tmpdir(), 'brokerql-demo-'));
  const simulators = await startSimulators();
  try {
    const configFile = path.join(directory, 'brokerql.yaml');
    writeFileSync(
      configFile,
      `# Written by \`brokerql demo\`: every connection points at a simulator on loopback.\n${stringify({
        server: { host: '127.0.0.1', port },
        dataDir: path.join(directory, 'data'),
        // The stream simulators' endpoints (streamUrl, wsUrl) join their connections.
        connections: simulators.connections.map((connection) => ({ ...connection, ...simulators.streamUrls[connection['id']!] })),
      })}`,
      { mode: 0o600 },
    );
    const config = loadConfigFile(configFile, { env: environment.env });
    const tokens = issueDemoTokens(config);
    const gateway = createGateway(config, { logger, graphiqlHeaders: { Authorization: `Bearer ${tokens.read}` } });
    const serving = await serve(gateway);
    const endpoint = `${serving.server.url}/graphql`;
    environment.stdout.write(
      [
        'brokerql demo — every broker is simulated on loopback; nothing leaves this machine.',
        '',
        `  GraphiQL     ${endpoint}   (its headers already carry the READ token)`,
        // The token is printed for pasting, not put in the URL: a URL lands in the browser's
        // history and address bar, and the dashboard keeps tokens out of URLs on principle.
        `  Dashboard    ${serving.server.url}/dashboard   (paste the READ token below when it asks)`,
        `  Config       ${configFile}`,
        `  READ token   ${tokens.read}`,
        `  TRADE token  ${tokens.trade}`,
        '',
        '  Try it from a shell:',
        `  curl -s ${endpoint} -H 'content-type: application/json' \\`,
        `    -H 'authorization: Bearer ${tokens.read}' \\`,
        `    -d '${JSON.stringify({ query: sampleQuery })}'`,
        '',
        '  Live order book (Server-Sent Events; the simulated market moves):',
        `  curl -N ${endpoint} -H 'accept: text/event-stream' -H 'content-type: application/json' \\`,
        `    -H 'authorization: Bearer ${tokens.read}' \\`,
        `    -d '${JSON.stringify({ query: sampleSubscription })}'`,
        '',
        '  Live account: your orders as they change (and, likewise, portfolio(accountId:) as it changes):',
        `  curl -N ${endpoint} -H 'accept: text/event-stream' -H 'content-type: application/json' \\`,
        `    -H 'authorization: Bearer ${tokens.read}' \\`,
        `    -d '${JSON.stringify({ query: sampleAccountSubscription })}'`,
        '  then, from another shell, place an order with the TRADE token:',
        `  curl -s ${endpoint} -H 'content-type: application/json' \\`,
        `    -H 'authorization: Bearer ${tokens.trade}' \\`,
        `    -d '${JSON.stringify({ query: sampleOrder })}'`,
        '',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    await environment.stopSignal;
    await serving.stop();
    return 0;
  } finally {
    await simulators.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** One READ and one TRADE token in the demo's own (temporary) data dir. */
function issueDemoTokens(config: Config): { read: string; trade: string } {
  const database = openDatabase(config.dataDir);
  try {
    const store = new TokenStore(database);
    const issue = (scope: 'READ' | 'TRADE') =>
      store.create({ name: `demo-${scope.toLowerCase()}`, scope, accountIds: null, expiresAt: null }).secret;
    return { read: issue('READ'), trade: issue('TRADE') };
  } finally {
    database.close();
  }
}
