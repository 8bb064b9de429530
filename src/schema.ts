import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { Kind, parse, type GraphQLSchema } from 'graphql';
import { requiresScopeTransformer, requiresScopeTypeDefs, type RequiresScopeOptions } from './auth/requires-scope.js';
import type { BrokerRegistry } from './brokers/definition.js';
import { brokerRegistry } from './brokers/registry.js';
import { resolvers } from './resolvers/index.js';

/** schema/ sits next to src/ and dist/, so the same relative URL works from both. */
const schemaDirectory = new URL('../schema/', import.meta.url);

export function loadTypeDefinitions(): string[] {
  return readdirSync(schemaDirectory)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(new URL(file, schemaDirectory), 'utf8'));
}

export interface SchemaOptions extends RequiresScopeOptions {
  /** The brokers whose `Broker` enum values the schema must have: every broker brokerql serves unless set. */
  brokerRegistry?: BrokerRegistry | undefined;
}

export function createSchema({ brokerRegistry: registry = brokerRegistry, ...options }: SchemaOptions = {}): GraphQLSchema {
  const typeDefinitions = loadTypeDefinitions();
  const schema = makeExecutableSchema({
    typeDefs: [requiresScopeTypeDefs, ...typeDefinitions, ...brokerEnumExtension(typeDefinitions, registry)],
    resolvers,
  });
  // Last, so it wraps the final resolvers.
  return requiresScopeTransformer(schema, options);
}

/**
 * The SDL is the contract, and codegen types the resolvers from it: each built-in broker's value
 * is written in schema/base.graphql's `enum Broker` (resolvers/broker.ts checks the two agree at
 * compile time). A broker registered in code beyond them — the tests' fifth — still needs its
 * value for `broker` fields to answer, so it is added here, described by the broker's label.
 */
function brokerEnumExtension(typeDefinitions: readonly string[], registry: BrokerRegistry): string[] {
  const declared = new Set(
    typeDefinitions
      .flatMap((text) => parse(text).definitions)
      .flatMap((definition) => (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'Broker' ? (definition.values ?? []) : []))
      .map((value) => value.name.value),
  );
  const missing = Object.values(registry).filter((definition) => !declared.has(definition.enumValue));
  if (missing.length === 0) return [];
  return [`extend enum Broker {\n${missing.map((definition) => `  ${JSON.stringify(definition.label)}\n  ${definition.enumValue}`).join('\n')}\n}`];
}
