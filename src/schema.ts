import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { requiresScopeTransformer, requiresScopeTypeDefs, type RequiresScopeOptions } from './auth/requires-scope.js';
import { resolvers } from './resolvers/index.js';

/** schema/ sits next to src/ and dist/, so the same relative URL works from both. */
const schemaDirectory = new URL('../schema/', import.meta.url);

export function loadTypeDefinitions(): string[] {
  return readdirSync(schemaDirectory)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(new URL(file, schemaDirectory), 'utf8'));
}

export function createSchema(options: RequiresScopeOptions = {}): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs: [requiresScopeTypeDefs, ...loadTypeDefinitions()], resolvers });
  // Last, so it wraps the final resolvers.
  return requiresScopeTransformer(schema, options);
}
