/**
 * Waits for a condition the test cannot be told about directly (a call reaching a simulator, a
 * queue filling up), checking it between turns of the event loop. Not a timing: it fails, naming
 * what it waited for, only if the condition never comes within a generous bound.
 */
export async function until(condition: () => boolean, what: string, limitMilliseconds = 10_000): Promise<void> {
  const giveUp = Date.now() + limitMilliseconds;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
