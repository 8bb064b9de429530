import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerConfig } from '../config.js';

/**
 * Hostile or careless queries are refused before execution: depth, aliases, tokens and cost
 * limits (GraphQL Armor). With introspection off, schema queries are refused and GraphQL's
 * "did you mean …" hints are masked, so the schema cannot be guessed field by field either.
 */
export function useQueryLimits({ limits, introspection }: Pick<ServerConfig, 'limits' | 'introspection'>): Plugin[] {
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, exposeLimits: true },
      maxAliases: { n: limits.maxAliases, exposeLimits: true },
      maxTokens: { n: limits.maxTokens, exposeLimits: true },
      costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, exposeLimits: true },
      maxDirectives: { n: 50, exposeLimits: true },
      blockFieldSuggestion: { enabled: !introspection },
    }) as Plugin,
  ];
  if (!introspection) {
    plugins.push({
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    });
  }
  return plugins;
}
