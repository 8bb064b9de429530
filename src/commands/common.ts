import { loadConfigFile, type Config } from '../config.js';
import { createLogger, type Logger, type LogLevel } from '../logger.js';

/** Bad command-line input: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandEnvironment {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands wait on it. */
  stopSignal: Promise<string>;
}

export function configPath(flag: string | undefined, env: CommandEnvironment['env']): string {
  return flag ?? env['BROKERQL_CONFIG'] ?? './brokerql.yaml';
}

export function parsePort(text: string | undefined, source: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65_535) throw new UsageError(`${source} must be a port number from 0 to 65535, received "${text}"`);
  return Number(text);
}

export function loadCliConfig(flags: { config?: string | undefined; port?: string | undefined }, environment: CommandEnvironment): Config {
  const port = parsePort(flags.port, '--port') ?? parsePort(environment.env['PORT'], 'PORT');
  return loadConfigFile(configPath(flags.config, environment.env), { env: environment.env, port });
}

const logLevels: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function cliLogger(flag: string | undefined, environment: CommandEnvironment, redact?: (text: string) => string): Logger {
  const level = flag ?? environment.env['LOG_LEVEL'] ?? 'info';
  if (!logLevels.includes(level as LogLevel)) {
    throw new UsageError(`--log-level must be one of ${logLevels.join(', ')}, received "${level}"`);
  }
  return createLogger({ level: level as LogLevel, pretty: Boolean(environment.stdout.isTTY), redact });
}
