import type { BrokerKind } from '../domain.js';

/**
 * How each broker is named, in one place: the human label in messages ("T-Invest did not answer
 * within 15s") and the GraphQL `Broker` enum value.
 */
export const brokerLabels: Record<BrokerKind, string> = {
  tinkoff: 'T-Invest',
  'tinkoff-v1': 'Tinkoff OpenAPI v1',
  alor: 'ALOR',
  instaforex: 'InstaForex',
};

export type BrokerEnum = 'TINKOFF' | 'TINKOFF_V1' | 'ALOR' | 'INSTAFOREX';

export const brokerEnums: Record<BrokerKind, BrokerEnum> = {
  tinkoff: 'TINKOFF',
  'tinkoff-v1': 'TINKOFF_V1',
  alor: 'ALOR',
  instaforex: 'INSTAFOREX',
};

/** The label with the enum value a client sees, where they differ: "T-Invest (TINKOFF)", "ALOR". */
export function brokerLabelWithEnum(kind: BrokerKind): string {
  const label = brokerLabels[kind];
  return label === brokerEnums[kind] ? label : `${label} (${brokerEnums[kind]})`;
}
