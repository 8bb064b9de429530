import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerConfig } from '../config.js';
import { useOperationCost } from './use-operation-cost.js';

/**
 * Hostile or careless queries are refused before execution: depth, aliases and tokens (GraphQL
 * Armor), then cost and list items with the variables known (use-operation-cost.ts). With introspection off, schema queries are refused and GraphQL's
 * "did you mean …" hints are masked, so the schema cannot be guessed field by field either.
 */
export function useQueryLimits({ limits, introspection }: Pick<ServerConfig, 'limits' | 'introspection'>): Plugin[] {
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, exposeLimits: true },
      maxAliases: { n: limits.maxAliases, exposeLimits: true },
      maxTokens: { n: limits.maxTokens, exposeLimits: true },
      // Estimated with the variables known, by useOperationCost below.
      costLimit: { enabled: false },
      maxDirectives: { n: 50, exposeLimits: true },
      blockFieldSuggestion: { enabled: !introspection },
    }) as Plugin,
    useOperationCost(limits),
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
