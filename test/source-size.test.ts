import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Small files (issue 14): no production file over 300 lines. Generated code is not written by
 * hand, and the simulators (with their seed data) are test equipment held to their own rules.
 */
const root = path.resolve(import.meta.dirname, '..', 'src');
const exempt = ['generated', 'simulators'].map((folder) => path.join(root, folder) + path.sep);
const maximumLines = 300;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return exempt.includes(full + path.sep) ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('source files', () => {
  it(`are at most ${maximumLines} lines each`, () => {
    const files = sourceFiles(root);
    expect(files.length).toBeGreaterThan(100);
    const long = files
      .map((file) => ({ file: path.relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > maximumLines);
    expect(long).toEqual([]);
  });
});
