import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { brokerRegistry } from '../src/brokers/registry.js';

/**
 * Simulators are the brokers, adapters are brokerql: neither may lean on the other's code, or a
 * bug shared by both would pass every test. The one thing they share is each broker's published
 * request limits (`src/brokers/<broker>/limits.ts`), which are facts about the broker kept as
 * data, importing nothing but their types.
 */

const source = path.resolve(import.meta.dirname, '../src');
const simulators = path.join(source, 'simulators');
const brokers = path.join(source, 'brokers');

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(directory, file));
}

interface ImportSite {
  file: string;
  /** The imported file, resolved (`.js` specifiers name `.ts` sources); absent for packages. */
  target: string | undefined;
  typeOnly: boolean;
}

/** Every static import and re-export of a file, and every dynamic `import()`. */
function importsOf(file: string): ImportSite[] {
  const text = readFileSync(file, 'utf8');
  const tree = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const sites: ImportSite[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteral(specifier)) return;
    const relative = specifier.text.startsWith('.');
    sites.push({ file, target: relative ? path.resolve(path.dirname(file), specifier.text.replace(/\.js$/, '.ts')) : undefined, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return sites;
}

const inside = (directory: string, file: string | undefined) => file !== undefined && file.startsWith(`${directory}${path.sep}`);
const shown = (site: ImportSite) => `${path.relative(source, site.file)} → ${site.target ? path.relative(source, site.target) : 'a package'}`;

describe('simulators and adapters stay apart', () => {
  it('simulators import nothing from src/brokers but the limits tables', () => {
    const sites = typeScriptFiles(simulators).flatMap(importsOf);
    const fromBrokers = sites.filter((site) => inside(brokers, site.target));
    // The rule has something to hold: the simulators do read the tables.
    expect(fromBrokers.length).toBeGreaterThan(0);
    expect(fromBrokers.filter((site) => path.basename(site.target!) !== 'limits.ts').map(shown)).toEqual([]);
  });

  it('nothing in src/brokers imports a simulator', () => {
    const sites = typeScriptFiles(brokers).flatMap(importsOf);
    expect(sites.filter((site) => inside(simulators, site.target)).map(shown)).toEqual([]);
  });

  it('the limits tables are data: they import only types, and only from src/brokers/limits.ts, which imports nothing', () => {
    const neutral = path.join(brokers, 'limits.ts');
    const tables = typeScriptFiles(brokers).filter((file) => path.basename(file) === 'limits.ts' && file !== neutral);
    expect(tables.map((file) => path.relative(brokers, path.dirname(file))).sort()).toEqual(Object.keys(brokerRegistry).sort());
    const sites = tables.flatMap(importsOf);
    expect(sites.filter((site) => !site.typeOnly || site.target !== neutral).map(shown)).toEqual([]);
    expect(importsOf(neutral).map(shown)).toEqual([]);
  });
});
