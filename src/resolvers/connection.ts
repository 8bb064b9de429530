import { connectionAccounts } from '../access.js';
import { brokerEnums } from '../brokers/labels.js';
import type { ConnectionResolvers } from '../generated/graphql.js';

export const Connection: ConnectionResolvers = {
  broker: (connection) => brokerEnums[connection.broker],
  accounts: (connection, _arguments, context) => connectionAccounts(context, connection),
};
