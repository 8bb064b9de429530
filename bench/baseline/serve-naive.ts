import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ConfigModule from '../../src/config.js';
import type * as LoadersModule from '../../src/loaders.js';
import type * as LoggerModule from '../../src/logger.js';
import type * as ModelsModule from '../../src/resolvers/models.js';
import type * as SecretsModule from '../../src/secrets.js';
import type * as ServerModule from '../../src/server.js';
import { naiveLoaders } from './naive-loaders.js';

/**
 * `node --import tsx bench/baseline/serve-naive.ts CONFIG`: the benchmark's baseline gateway. The
 * same built gateway as `dist/bin.js serve` (so both run the same compiled code), given the
 * baseline's loaders (naive-loaders.ts) and no calls shared in flight; its config turns the
 * caches and the broker-call budget off. Prints the same "brokerql is serving" line.
 */

const repository = path.resolve(import.meta.dirname, '..', '..');
const built = async <Module>(file: string) => (await import(pathToFileURL(path.join(repository, 'dist', file)).href)) as Module;

const { loadConfigFile } = await built<typeof ConfigModule>('config.js');
const { createLoaders } = await built<typeof LoadersModule>('loaders.js');
const { createLogger } = await built<typeof LoggerModule>('logger.js');
const { toOperationModel } = await built<typeof ModelsModule>('resolvers/models.js');
const { SecretRegistry } = await built<typeof SecretsModule>('secrets.js');
const { createGateway, serve } = await built<typeof ServerModule>('server.js');

const file = process.argv[2];
if (!file) throw new Error('usage: serve-naive.ts CONFIG');
const config = loadConfigFile(file, { env: process.env });
const secrets = new SecretRegistry();
// The same request log as `brokerql serve` writes: it costs the same per request.
const logger = createLogger({ level: 'info', pretty: false, redact: (text) => secrets.redact(text) });
const gateway = createGateway(config, { logger, secrets, loaders: naiveLoaders({ createLoaders, toOperationModel }), shareCallsInFlight: false });
const serving = await serve(gateway);
logger.info({ url: `${serving.server.url}/graphql`, baseline: 'naive' }, 'brokerql is serving');
process.once('SIGTERM', () => void serving.stop().then(() => process.exit(0)));
