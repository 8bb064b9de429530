import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds the dashboard into one directory the gateway serves (plugins/use-dashboard.ts): the
 * page's TypeScript with its libraries (Chart.js, graphql-ws's client, big.js) bundled into
 * app.js, beside index.html, app.css and the icon. Nothing is fetched from anywhere at run time.
 * `npm run build` writes dist/dashboard; the browser test builds into a directory of its own.
 */

const source = new URL('./', import.meta.url);
const staticFiles = ['index.html', 'app.css', 'favicon.svg'];

export async function buildDashboard(outputDirectory: URL): Promise<void> {
  await rm(outputDirectory, { recursive: true, force: true });
  await mkdir(outputDirectory, { recursive: true });
  await build({
    entryPoints: [fileURLToPath(new URL('src/main.ts', source))],
    outfile: fileURLToPath(new URL('app.js', outputDirectory)),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  for (const name of staticFiles) await copyFile(new URL(name, source), new URL(name, outputDirectory));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDashboard(new URL('../dist/dashboard/', import.meta.url));
}
