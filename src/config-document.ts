import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';

/**
 * From a config file's text to the plain document config.ts validates — YAML with a cap on alias
 * expansions, `${NAME}` replaced from the environment, nothing that refers to itself — and how
 * a problem with it is named in a message.
 */

/** Alias expansions one config file may use; a few anchors are plenty, an alias bomb needs millions. */
const maximumAliasExpansions = 100;

/** The YAML document, or why it is not one (a short reason; the text may hold secrets, so none of it). */
export function parseYamlText(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: parseYaml(text, { maxAliasCount: maximumAliasExpansions }) };
  } catch (error) {
    // yaml counts expansions as it resolves aliases and stops with a ReferenceError long before a bomb grows.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return { problem: `not valid YAML: too many aliases (more than ${maximumAliasExpansions} expansions; an alias bomb?)` };
    }
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : '';
    return { problem: `not valid YAML${where}` };
  }
}

/** `${NAME}`, or a `${` that starts no such reference (unterminated, or not a variable name). */
const referencePattern = /\$\{(?:([A-Za-z_][A-Za-z0-9_]*)\})?/g;

export function interpolateEnvironment(
  value: unknown,
  at: ReadonlyArray<string | number>,
  ancestors: Set<object>,
  env: Record<string, string | undefined>,
  fail: (key: string, message: string) => never,
): unknown {
  if (typeof value === 'string') {
    // Only the file's text is interpolated: a value from the environment is taken as it is.
    return value.replace(referencePattern, (_match, name: string | undefined) => {
      if (name === undefined) {
        return fail(keyPath(at), 'an unterminated or malformed ${ (expected ${NAME}, NAME of letters, digits and _; a literal ${ can come from an environment variable)');
      }
      const replacement = env[name];
      if (replacement === undefined || replacement === '') {
        return fail(keyPath(at), `environment variable ${name} is not set`);
      }
      return replacement;
    });
  }
  if (typeof value !== 'object' || value === null) return value;
  // YAML lets an alias point at its own anchor; walked, it would never end.
  if (ancestors.has(value)) fail(keyPath(at), 'refers to itself (a recursive YAML alias)');
  ancestors.add(value);
  const result = Array.isArray(value)
    ? value.map((item, index) => interpolateEnvironment(item, [...at, index], ancestors, env, fail))
    : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateEnvironment(item, [...at, key], ancestors, env, fail)]));
  ancestors.delete(value);
  return result;
}

/** connections[0].token: how messages name a key. */
export function keyPath(at: ReadonlyArray<string | number | symbol>): string {
  return at
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

/** A schema problem as [key, what is wrong]. */
export function describeIssue(issue: z.core.$ZodIssue, prefix: ReadonlyArray<string | number>): [string, string] {
  const at = [...prefix, ...(issue.path as Array<string | number>)];
  if (issue.code === 'unrecognized_keys') {
    return [keyPath([...at, issue.keys[0]!]), 'unknown key'];
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [keyPath(at), 'missing'];
  }
  if (issue.code === 'invalid_value' && issue.values.length === 1) {
    return [keyPath(at), `expected ${JSON.stringify(issue.values[0])}`];
  }
  return [keyPath(at), issue.message.replace(/^Invalid input: /, '')];
}
