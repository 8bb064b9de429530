import v8 from 'node:v8';

/**
 * Process-wide defaults for brokerql, imported first by the process entry point (before graphql
 * is loaded). Tests and embedders that import the modules directly keep Node's own defaults.
 */

// graphql-js reads NODE_ENV once, at load; outside "production" it runs extra checks on every type
// test, made to catch two copies of graphql in one bundle. A gateway serving requests should not
// pay for them. A NODE_ENV set by the operator is kept.
process.env['NODE_ENV'] ??= 'production';

/**
 * How far V8 lets the old generation grow past what was live after the last full collection.
 * V8's own heuristic allows up to 4× when allocation is fast; a gateway allocates fast but briefly
 * (a statistics query parses and drops megabytes of broker JSON), so the heap grew to ~150 MB
 * around ~35 MB of live data and the process to ~290 MB. At 1.4× it stays near 180 MB, with
 * throughput within the benchmark's noise (bench/README.md). `node --heap-growing-percent=N`
 * on the command line is kept (0 restores V8's heuristic).
 */
const heapGrowingPercent = 40;
if (!process.execArgv.some((argument) => argument.startsWith('--heap-growing-percent'))) {
  v8.setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
}
