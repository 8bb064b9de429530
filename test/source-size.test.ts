import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Small files (issue 14): no file under src/ over 300 lines, the simulators included. Generated
 * code is not written by hand, and a simulator's seed data (its data.ts) is a table, not logic.
 */
const root = path.resolve(import.meta.dirname, '..', 'src');
const generated = path.join(root, 'generated') + path.sep;
const simulators = path.join(root, 'simulators') + path.sep;
const maximumLines = 300;

const exempt = (file: string) => file.startsWith(generated) || (file.startsWith(simulators) && path.basename(file) === 'data.ts');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('source files', () => {
  it(`are at most ${maximumLines} lines each`, () => {
    const files = sourceFiles(root).filter((file) => !exempt(file));
    // The rule covers the simulators too: a broker's route table is held to it like its adapter.
    expect(files.filter((file) => file.startsWith(simulators)).length).toBeGreaterThan(50);
    expect(files.length).toBeGreaterThan(200);
    const long = files
      .map((file) => ({ file: path.relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > maximumLines);
    expect(long).toEqual([]);
  });
});
