import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A fresh directory under the system's temp dir, removed after the file's tests (it may hold token databases). */
export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}
