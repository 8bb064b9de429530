import './process-defaults.js';
import { main } from './cli.js';

/** The process entry point (bin/brokerql.js loads the compiled copy of this file). */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
}

const code = await main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stopSignal: stopSignal(),
});
// Exit explicitly: keep-alive sockets or timers left by a failed start must not keep the process up.
process.exit(code);
