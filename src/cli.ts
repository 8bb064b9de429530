import { ConfigError } from './config.js';
import { DataDirectoryError } from './storage/database.js';
import { UsageError, type CommandEnvironment } from './commands/common.js';
import { auditCommand } from './commands/audit.js';
import { backupCommand } from './commands/backup.js';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';
import { haltCommand, resumeCommand } from './commands/halt.js';
import { serveCommand } from './commands/serve.js';
import { syncCommand } from './commands/sync.js';
import { tokenCommand } from './commands/token.js';

const usage = `brokerql — a GraphQL gateway over your brokerage accounts

Usage:
  brokerql demo  [--port N]                       simulators of every broker + a gateway, no credentials needed
  brokerql serve [--config FILE] [--port N]        serve the gateway (config: ./brokerql.yaml or BROKERQL_CONFIG)
  brokerql token create --name NAME --scope read|trade [--accounts ID,ID] [--expires-in 30d]
                                                   issue a brokerql access token (the secret is printed once)
  brokerql token create … --policy FILE            … with a risk policy (YAML; README, "Trading guardrails")
  brokerql token list                              tokens, never their secrets
  brokerql token show ID                           a token, its policy and today's usage
  brokerql token update ID --policy FILE | --clear-policy   replace or remove its policy (audited)
  brokerql token revoke ID                         refused from the next request on, in every process
  brokerql halt --all | --token ID | --account ID [--cancel-open]
                                                   the kill switch: every process refuses orders from now on
  brokerql resume --all | --token ID | --account ID   lift that halt
  brokerql audit [--limit N]                       trading mutation attempts, newest first
  brokerql check                                   authenticate every connection, list its accounts
  brokerql backup FILE                             copy the database (tokens, audit log), safe while serving
  brokerql sync [--account ID] [--full]            fill the operations journal now, with progress
  brokerql sync --status                           where each account's journal stands

  Every command but demo takes --config FILE.

Options:
  --log-level LEVEL   fatal, error, warn, info (default), debug, trace, silent (or LOG_LEVEL)
  --help              this text
`;

type Command = (args: string[], environment: CommandEnvironment) => Promise<number>;

const commands: Record<string, Command> = {
  demo: demoCommand,
  serve: serveCommand,
  token: tokenCommand,
  audit: auditCommand,
  check: checkCommand,
  backup: backupCommand,
  halt: haltCommand,
  resume: resumeCommand,
  sync: syncCommand,
};

/** Runs one command; returns the exit code. Every failure is one line on stderr. */
export async function main(argv: string[], environment: CommandEnvironment): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? environment.stderr : environment.stdout).write(usage);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    environment.stderr.write(`brokerql: unknown command "${name}" (commands: ${Object.keys(commands).join(', ')}; see --help)\n`);
    return 2;
  }
  try {
    return await command(args, environment);
  } catch (error) {
    environment.stderr.write(`brokerql: ${describe(error)}\n`);
    return error instanceof UsageError || isParseArgsError(error) ? 2 : 1;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function describe(error: unknown): string {
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof DataDirectoryError) return error.message;
  if (isParseArgsError(error)) {
    const message = (error as Error).message;
    // "Option '--name <value>' argument missing", "Option '--name' argument is ambiguous. Did you forget…"
    const withoutValue = /^Option '(--[\w-]+)[^']*' argument (?:missing|is ambiguous)/.exec(message);
    if (withoutValue) return `${withoutValue[1]} needs a value`;
    return message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return `the port is already in use (${(error as Error).message.replace(/^.*EADDRINUSE:?\s*/, '')}); choose another with --port`;
  if (code === 'EACCES') return `permission denied: ${(error as Error).message}`;
  return error instanceof Error ? error.message : String(error);
}
