import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.js';
import { ForbiddenError } from '../errors.js';
import type { Scope } from './viewer.js';

/**
 * `@requiresScope(scope: TRADE)`: a field only a token with that scope may use. The SDL and the
 * schema transformer travel together (graphql-tools' schema-directives pattern); the gateway
 * applies the transformer last, after every resolver is in place.
 */
export const requiresScopeTypeDefs = /* GraphQL */ `
  directive @requiresScope(scope: Scope!) on FIELD_DEFINITION
`;

const rank: Record<Scope, number> = { READ: 0, TRADE: 1 };

export interface RequiresScopeOptions {
  /** Told about every refusal before it is thrown (the audit log records mutation attempts). */
  onDenied?: (denial: { required: Scope; context: GatewayContext; info: GraphQLResolveInfo; args: Record<string, unknown> }) => void;
}

export function requiresScopeTransformer(schema: GraphQLSchema, { onDenied }: RequiresScopeOptions = {}): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig) => {
      const directive = getDirective(schema, fieldConfig, 'requiresScope')?.[0];
      if (!directive) return fieldConfig;
      const required = directive['scope'] as Scope;
      const resolve = fieldConfig.resolve ?? defaultFieldResolver;
      return {
        ...fieldConfig,
        resolve(source, args, context: GatewayContext, info) {
          if (rank[context.viewer.scope] < rank[required]) {
            onDenied?.({ required, context, info, args });
            throw new ForbiddenError(`${info.parentType.name}.${info.fieldName} needs a ${required} token; this token is ${context.viewer.scope}`);
          }
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
