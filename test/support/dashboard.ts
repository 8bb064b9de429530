import { pathToFileURL } from 'node:url';
import { buildDashboard } from '../../dashboard/build.js';
import { temporaryDirectory } from './temporary-directory.js';

/**
 * The dashboard built into a directory of this test file's own (what `npm run build` writes to
 * dist/dashboard), so tests neither depend on a previous build nor race each other over dist/.
 */
export async function builtDashboard(): Promise<URL> {
  const directory = pathToFileURL(`${temporaryDirectory('brokerql-dashboard')}/`);
  await buildDashboard(directory);
  return directory;
}
