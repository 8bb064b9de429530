import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { main } from '../../src/cli.js';
import type { CommandEnvironment } from '../../src/commands/common.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));

/** A CLI process run from source (through tsx), as `npx brokerql …` would run the build. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  private readonly closed: Promise<number | null>;

  constructor(args: string[], env: Record<string, string | undefined> = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/bin.ts', ...args], {
      cwd: repository,
      env: { ...process.env, LOG_LEVEL: undefined, PORT: undefined, BROKERQL_CONFIG: undefined, ...env },
    });
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.closed = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    // A test that fails before stopping its process must not leave it holding a port.
    onTestFinished(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    });
  }

  /** Resolves with the first match of `pattern` in everything printed so far or later. */
  async waitFor(pattern: RegExp, timeoutMilliseconds = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMilliseconds;
    for (;;) {
      const match = pattern.exec(this.stdout) ?? pattern.exec(this.stderr);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`exited before printing ${pattern}:\n${this.stdout}${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${this.stdout}${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  exit(): Promise<number | null> {
    return this.closed;
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const process = new CliProcess(args, env);
  const code = await process.exit();
  return { code, stdout: process.stdout, stderr: process.stderr };
}

/**
 * The same command through `main` in this process: what a CLI process prints and returns,
 * without the second or so it takes to start one. Commands that run until stopped (serve,
 * demo) and the process entry point itself are tested with CliProcess.
 */
export async function runCliInProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
  /** What a process cannot be given: a broker registry with a broker registered in code. */
  environment: Pick<CommandEnvironment, 'brokerRegistry'> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await main(args, {
    env: { ...process.env, LOG_LEVEL: undefined, PORT: undefined, BROKERQL_CONFIG: undefined, ...env },
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    stopSignal: new Promise(() => undefined),
    ...environment,
  });
  return { code, stdout, stderr };
}
