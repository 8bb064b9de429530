import { connectionAccounts } from '../access.js';
import type { CircuitState, ConnectionHealthResolvers, ConnectionResolvers } from '../generated/graphql.js';
import { brokerEnumValue } from './broker.js';

export const Connection: ConnectionResolvers = {
  broker: brokerEnumValue,
  accounts: (connection, _arguments, context) => connectionAccounts(context, connection),
  health: (connection) => connection.policy.breaker.snapshot(),
};

const circuitStates = { closed: 'CLOSED', open: 'OPEN', 'half-open': 'HALF_OPEN' } as const satisfies Record<string, CircuitState>;

export const ConnectionHealth: ConnectionHealthResolvers = {
  circuit: (snapshot) => circuitStates[snapshot.state],
  state(snapshot) {
    if (snapshot.state !== 'closed') return 'CIRCUIT_OPEN';
    if (snapshot.consecutiveFailures > 0) return 'FAILING';
    return snapshot.lastSuccessAt === null ? 'UNKNOWN' : 'OK';
  },
};
