import type { Gateway } from '../../src/server.js';

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  data: Data | null | undefined;
  errors: Array<{ message: string; path?: Array<string | number>; extensions: Record<string, unknown> }> | undefined;
}

/** Runs one GraphQL operation through the gateway's full HTTP handling (yoga.fetch). */
export async function graphql<Data = Record<string, any>>(
  gateway: Gateway,
  query: string,
  options: { variables?: Record<string, unknown>; operationName?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<Data>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const response = await gateway.yoga.fetch('http://brokerql.test/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables: options.variables, operationName: options.operationName }),
  });
  const body = (await response.json()) as { data?: Data | null; errors?: GraphQLResponse['errors'] };
  return { status: response.status, data: body.data, errors: body.errors };
}
