import { describeReceived } from './brokers/identifiers.js';
import { BadUserInputError } from './errors.js';

/**
 * Public ids carry the connection they belong to: `<connection id>:<broker's own id>`.
 * Connection ids never contain ':', so the first ':' always separates the two parts
 * (ALOR instrument keys such as MOEX:SBER keep their own ':').
 */
export function scopedId(connectionId: string, brokerId: string): string {
  return `${connectionId}:${brokerId}`;
}

export interface ParsedId {
  connectionId: string;
  brokerId: string;
}

export function parseScopedId(id: string, what: 'account' | 'instrument'): ParsedId {
  const separator = id.indexOf(':');
  if (separator <= 0 || separator === id.length - 1) {
    const example = what === 'account' ? 'tbank:2000345678' : 'tbank:BBG004730N88';
    throw new BadUserInputError(`${what} id must look like <connection id>:<broker id> (e.g. ${example}), received ${describeReceived(id)}`);
  }
  return { connectionId: id.slice(0, separator), brokerId: id.slice(separator + 1) };
}
