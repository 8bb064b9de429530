import type { Resolvers } from '../generated/graphql.js';
import { Account } from './account.js';
import { Connection, ConnectionHealth } from './connection.js';
import { GuardrailsQuery, GuardrailsViewer, TokenPolicy, TokenUsage } from './guardrails.js';
import { Instrument } from './instrument.js';
import { Mutation } from './mutation.js';
import { NetWorth, NetWorthQuery } from './net-worth.js';
import { Order } from './order.js';
import { Position } from './position.js';
import { Query } from './query.js';
import { DateTimeScalar, DecimalScalar } from './scalars.js';
import { Subscription } from './subscription.js';
import { Viewer } from './viewer.js';

export const resolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...GuardrailsQuery, ...NetWorthQuery },
  Viewer: { ...Viewer, ...GuardrailsViewer },
  TokenPolicy,
  TokenUsage,
  Connection,
  ConnectionHealth,
  Account,
  Instrument,
  Mutation,
  NetWorth,
  Order,
  Position,
  Subscription,
};
