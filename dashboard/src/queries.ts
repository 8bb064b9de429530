/** Every GraphQL document the page sends: public API only, read-only, with the tab's token. */

import type { Money } from './amounts.js';

export const viewerQuery = /* GraphQL */ `
  query DashboardViewer {
    viewer { name scope }
  }
`;

export interface ViewerData {
  viewer: { name: string; scope: 'READ' | 'TRADE' };
}

const orderFields = 'id instrument { id ticker } side type status price requestedLots executedLots createdAt';

const positionFields = `
  instrument { id ticker name type }
  quantity
  averagePrice { amount currency }
  currentPrice { amount currency }
  marketValue { amount currency }
  expectedYield { amount currency }
`;

export const netWorthQuery = /* GraphQL */ `
  query DashboardNetWorth($currency: String!) {
    netWorth(currency: $currency) {
      total { amount currency }
      complete
      asOf
      accounts { account { id } positions { amount currency } cash { amount currency } total { amount currency } }
      byConnection { key value { amount currency } }
      byInstrumentType { key value { amount currency } }
      rates { from to rate source asOf }
      missing { account { id name } instrument { id ticker } reason }
      unreachable { connection { id } reason }
    }
  }
`;

/** Asked after netWorth, so that it reports the calls netWorth has just made. */
export const healthQuery = /* GraphQL */ `
  query DashboardHealth {
    connections { id broker health { state circuit lastSuccessAt failingSince consecutiveFailures } }
  }
`;

export interface HealthData {
  connections: ConnectionData[];
}

export interface Slice {
  key: string;
  value: Money;
}

export interface NetWorthData {
  netWorth: {
    total: Money;
    complete: boolean;
    asOf: string;
    accounts: Array<{ account: { id: string }; positions: Money; cash: Money; total: Money }>;
    byConnection: Slice[];
    byInstrumentType: Slice[];
    rates: Array<{ from: string; to: string; rate: string; source: string; asOf: string }>;
    missing: Array<{ account: { id: string; name: string | null }; instrument: { id: string; ticker: string } | null; reason: string }>;
    unreachable: Array<{ connection: { id: string }; reason: string }>;
  };
}

export interface ConnectionData {
  id: string;
  broker: string;
  health: { state: string; circuit: string; lastSuccessAt: string | null; failingSince: string | null; consecutiveFailures: number };
}

export const accountsQuery = /* GraphQL */ `
  query DashboardAccounts {
    accounts {
      id name type broker connection { id }
      portfolio { asOf positions { ${positionFields} } cash { amount currency } }
      orders { ${orderFields} }
    }
  }
`;

/** Working orders alone: read again after the live socket was down (order events are not replayed). */
export const workingOrdersQuery = /* GraphQL */ `
  query DashboardWorkingOrders {
    accounts { id orders { ${orderFields} } }
  }
`;

export interface WorkingOrdersData {
  accounts: Array<{ id: string; orders: OrderData[] | null }>;
}

export interface PositionData {
  instrument: { id: string; ticker: string; name: string | null; type: string | null };
  quantity: string;
  averagePrice: Money | null;
  currentPrice: Money | null;
  marketValue: Money | null;
  expectedYield: Money | null;
}

export interface PortfolioData {
  /** When the broker's numbers are from: a live price newer than this is newer than its prices. */
  asOf: string;
  positions: PositionData[];
  cash: Money[];
}

export interface OrderData {
  id: string;
  instrument: { id: string; ticker: string };
  side: string;
  type: string;
  status: string;
  price: string | null;
  requestedLots: string;
  executedLots: string;
  createdAt: string | null;
}

export interface AccountData {
  id: string;
  name: string | null;
  type: string | null;
  broker: string;
  connection: { id: string };
  portfolio: PortfolioData | null;
  orders: OrderData[] | null;
}

export const operationsQuery = /* GraphQL */ `
  query DashboardOperations($from: DateTime!, $to: DateTime!) {
    accounts {
      id name
      operations(from: $from, to: $to) { id type status date instrument { ticker } quantity price payment { amount currency } }
    }
  }
`;

export interface OperationsData {
  accounts: Array<{
    id: string;
    name: string | null;
    operations: Array<{ id: string; type: string; status: string; date: string; instrument: { ticker: string } | null; quantity: string | null; price: string | null; payment: Money }> | null;
  }>;
}

/** Which subscriptions this gateway has (issue 16 adds portfolio and orderEvents). */
export const subscriptionFieldsQuery = /* GraphQL */ `
  query DashboardSubscriptions {
    __type(name: "Subscription") { fields { name } }
  }
`;

export const lastPricesSubscription = /* GraphQL */ `
  subscription DashboardPrices($connection: ID!, $instruments: [InstrumentRef!]!) {
    lastPrices(connection: $connection, instruments: $instruments) { instrument { id } price asOf }
  }
`;

export const portfolioSubscription = /* GraphQL */ `
  subscription DashboardPortfolio($accountId: ID!) {
    portfolio(accountId: $accountId) { asOf positions { ${positionFields} } cash { amount currency } }
  }
`;

export const orderEventsSubscription = /* GraphQL */ `
  subscription DashboardOrderEvents($accountId: ID!) {
    orderEvents(accountId: $accountId) {
      kind asOf source
      fill { lots price }
      order { ${orderFields} }
    }
  }
`;

/** One change of one order (Subscription.orderEvents). */
export interface OrderEventData {
  kind: 'ACCEPTED' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED';
  asOf: string;
  /** STREAM: the broker pushed it; POLL: brokerql found it by asking. */
  source: string;
  /** This fill only (PARTIALLY_FILLED, FILLED). */
  fill: { lots: string; price: string } | null;
  order: OrderData;
}
