import { connectionAccounts } from '../access.js';
import type { ConnectionResolvers } from '../generated/graphql.js';
import { brokerEnumValue } from './broker.js';

export const Connection: ConnectionResolvers = {
  broker: brokerEnumValue,
  accounts: (connection, _arguments, context) => connectionAccounts(context, connection),
};
