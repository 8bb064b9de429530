import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers/index.js';

/** schema/ sits next to src/ and dist/, so the same relative URL works from both. */
const schemaDirectory = new URL('../schema/', import.meta.url);

export function loadTypeDefinitions(): string[] {
  return readdirSync(schemaDirectory)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(new URL(file, schemaDirectory), 'utf8'));
}

export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefinitions(), resolvers });
}
