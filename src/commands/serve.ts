import { SecretRegistry } from '../secrets.js';
import { createGateway, serve } from '../server.js';
import { cliLogger, loadCliConfig, parseCommandLine, type CommandEnvironment } from './common.js';

export async function serveCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      'log-level': { type: 'string' },
    },
    allowPositionals: false,
  });
  const config = loadCliConfig(values, environment);
  const secrets = new SecretRegistry();
  const logger = cliLogger(values['log-level'], environment, (text) => secrets.redact(text));
  const gateway = createGateway(config, { logger, secrets, brokerRegistry: environment.brokerRegistry });
  // A stray rejection is a bug to fix, not a reason to drop every request in flight.
  const onUnhandled = (reason: unknown) =>
    logger.error({ error: secrets.redact(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)) }, 'unhandled rejection');
  process.on('unhandledRejection', onUnhandled);
  const serving = await serve(gateway);
  logger.info(
    {
      url: `${serving.server.url}/graphql`,
      metrics: serving.metricsServer ? `${serving.metricsServer.url}/metrics` : config.metrics.enabled ? `${serving.server.url}/metrics` : undefined,
      connections: config.connections.map((connection) => connection.id),
    },
    'brokerql is serving',
  );
  const signal = await environment.stopSignal;
  logger.info({ signal, graceMs: config.server.shutdownTimeoutMs }, 'shutting down: finishing requests in flight');
  await serving.stop();
  process.off('unhandledRejection', onUnhandled);
  logger.info('stopped');
  return 0;
}
