import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { BrokerRegistry } from '../brokers/definition.js';
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
  /**
   * The brokers a config may name, for every command that reads one: every broker brokerql
   * serves (brokers/registry.ts) unless set. The tests register a fifth broker here.
   */
  brokerRegistry?: BrokerRegistry | undefined;
}

export function configPath(flag: string | undefined, env: CommandEnvironment['env']): string {
  return flag ?? env['BROKERQL_CONFIG'] ?? './brokerql.yaml';
}

export function parsePort(text: string | undefined, source: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65_535) throw new UsageError(`${source} must be a port number from 0 to 65535, received "${text}"`);
  return Number(text);
}

/**
 * The config file a command runs with. Commands that reach brokers (serve, check, token create
 * --accounts) need at least one connection; the ones that only use the data dir do not.
 */
export function loadCliConfig(
  flags: { config?: string | undefined; port?: string | undefined },
  environment: CommandEnvironment,
  { needsConnections = true }: { needsConnections?: boolean } = {},
): Config {
  const port = parsePort(flags.port, '--port') ?? parsePort(environment.env['PORT'], 'PORT');
  return loadConfigFile(configPath(flags.config, environment.env), { env: environment.env, port, needsConnections, brokerRegistry: environment.brokerRegistry });
}

/**
 * node:util's parseArgs (strict), except that a value starting with "-" is taken as the value of
 * the option before it: `--expires-in -5d` and `--limit -1` then reach the command's own check,
 * which says what is wrong with them, instead of parseArgs calling them ambiguous. An option
 * name in that place is still an option (`--name --scope read` lacks a name).
 */
export function parseCommandLine<T extends ParseArgsConfig & { args: string[] }>(config: T): ReturnType<typeof parseArgs<T>> {
  const options = config.options ?? {};
  const isOption = (argument: string) => Object.hasOwn(options, /^--([^=]+)/.exec(argument)?.[1] ?? '');
  const args: string[] = [];
  for (let index = 0; index < config.args.length; index++) {
    const argument = config.args[index]!;
    const value = config.args[index + 1];
    const name = /^--([^=]+)$/.exec(argument)?.[1];
    if (name !== undefined && options[name]?.type === 'string' && value !== undefined && value.startsWith('-') && !isOption(value)) {
      args.push(`${argument}=${value}`);
      index++;
    } else {
      args.push(argument);
    }
  }
  return parseArgs<T>({ ...config, args, strict: true });
}

const logLevels: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function cliLogger(flag: string | undefined, environment: CommandEnvironment, redact?: (text: string) => string): Logger {
  const level = flag ?? environment.env['LOG_LEVEL'] ?? 'info';
  if (!logLevels.includes(level as LogLevel)) {
    throw new UsageError(`--log-level must be one of ${logLevels.join(', ')}, received "${level}"`);
  }
  return createLogger({ level: level as LogLevel, pretty: Boolean(environment.stdout.isTTY), redact });
}
