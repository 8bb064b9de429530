import type { ConnectionResolvers } from '../generated/graphql.js';
import { brokerEnum, connectionAccounts } from './shared.js';

export const Connection: ConnectionResolvers = {
  broker: (connection) => brokerEnum(connection.broker),
  accounts: (connection, _arguments, context) => connectionAccounts(context, connection),
};
