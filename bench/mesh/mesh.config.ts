import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

/**
 * GraphQL Mesh over T-Invest's own OpenAPI spec, as a Mesh user would set it up for the
 * benchmark's comparison (bench/mesh-comparison.ts): `mesh-compose` turns the spec into a
 * supergraph, and Hive Gateway (Mesh's current runtime) serves it, calling the broker with the
 * token from its environment. The broker's URL and token are read when the gateway runs
 * ({env.…}), so one composed supergraph serves any simulator port.
 *
 * T-Invest's REST methods are all POST, which Mesh makes mutations; a user reading data marks
 * the three reads the workload needs as queries, so that Mesh may run a document's fields side
 * by side (mutation fields run one after another).
 */
const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const specification = process.env['TINVEST_OPENAPI'] ?? path.resolve(repository, '../shared/brokers/tinvest-v2/openapi.yaml');

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('TInvest', {
        source: specification,
        endpoint: '{env.TINVEST_URL}',
        operationHeaders: { Authorization: 'Bearer {env.TINVEST_TOKEN}' },
        selectQueryOrMutationField: [
          { fieldName: 'UsersService_GetAccounts', type: 'Query' },
          { fieldName: 'OperationsService_GetPortfolio', type: 'Query' },
          { fieldName: 'InstrumentsService_GetInstrumentBy', type: 'Query' },
        ],
      }),
    },
  ],
});
