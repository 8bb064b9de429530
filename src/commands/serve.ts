import { parseArgs } from 'node:util';
import { createGateway, listen } from '../server.js';
import { cliLogger, loadCliConfig, type CommandEnvironment } from './common.js';

export async function serveCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, port: { type: 'string' }, 'log-level': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const config = loadCliConfig(values, environment);
  const gateway = createGateway(config);
  const logger = cliLogger(values['log-level'], environment, (text) => gateway.secrets.redact(text));
  const server = await listen(gateway, config.server.host, config.server.port);
  logger.info({ url: `${server.url}/graphql`, connections: config.connections.map((connection) => connection.id) }, 'brokerql is serving');
  const signal = await environment.stopSignal;
  logger.info({ signal }, 'shutting down');
  await server.close();
  await gateway.close();
  return 0;
}
