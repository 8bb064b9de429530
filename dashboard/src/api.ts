/** GraphQL over HTTP to the gateway that served the page, with the tab's token. */

export interface GraphQLErrorLike {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; connection?: string };
}

export interface GraphQLAnswer<Data> {
  data: Data;
  errors: GraphQLErrorLike[];
}

/** brokerql refused the token (unknown, expired or revoked): HTTP 401, UNAUTHENTICATED. */
export class TokenRefusedError extends Error {}

export const graphqlPath = '/graphql';

export async function graphqlRequest<Data>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<Data>> {
  const response = await fetch(graphqlPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    credentials: 'omit',
    cache: 'no-store',
  });
  const body = (await response.json().catch(() => null)) as { data?: Data | null; errors?: GraphQLErrorLike[] } | null;
  const errors = body?.errors ?? [];
  if (response.status === 401 || errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
    throw new TokenRefusedError(errors[0]?.message ?? 'the token was refused');
  }
  if (!body?.data) throw new Error(errors[0]?.message ?? `brokerql answered HTTP ${response.status}`);
  return { data: body.data, errors };
}
