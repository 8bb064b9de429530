import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines instead of JSON (the CLI turns this on when stdout is a terminal). */
  pretty: boolean;
  /** Scrubs registered secrets from every message, whatever path it took. */
  redact?: ((text: string) => string) | undefined;
  destination?: pino.DestinationStream | undefined;
}

/**
 * Structured logs, one JSON object per line. Credentials never belong in a log line: known
 * credential-shaped keys are removed by configuration, and any message text goes through the
 * secret registry's redaction.
 */
export function createLogger({ level, pretty, redact, destination }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        'token',
        '*.token',
        'refreshToken',
        '*.refreshToken',
        'password',
        '*.password',
        'passkey',
        '*.passkey',
        'secret',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  };
  if (redact) {
    options.hooks = {
      logMethod(parameters, method) {
        method.apply(
          this,
          parameters.map((parameter) => (typeof parameter === 'string' ? redact(parameter) : parameter)) as Parameters<typeof method>,
        );
      },
    };
  }
  if (destination) return pino(options, destination);
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } });
  return pino(options);
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
