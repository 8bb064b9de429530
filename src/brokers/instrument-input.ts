import type { InstrumentRef } from '../domain.js';
import { BadUserInputError } from '../errors.js';
import { parseScopedId } from '../ids.js';
import type { ConnectionModel } from './connection.js';
import { describeReceived } from './identifiers.js';

/** The `InstrumentRef` input as clients send it (GraphQL, the v1 compat route): any of the four parts, nulls allowed. */
export interface InstrumentRefInput {
  id?: string | null | undefined;
  figi?: string | null | undefined;
  symbol?: string | null | undefined;
  exchange?: string | null | undefined;
}

/**
 * Turns the InstrumentRef input into what an adapter understands, checking that it names this
 * connection and that every part fits the broker's grammar — before anything is sent.
 */
export function instrumentRefFromInput(connection: ConnectionModel, input: InstrumentRefInput): InstrumentRef {
  let ref: InstrumentRef;
  if (input.id != null) {
    const { connectionId, brokerId } = parseScopedId(input.id, 'instrument');
    if (connectionId !== connection.id) {
      throw new BadUserInputError(`instrument ${describeReceived(input.id)} belongs to connection ${describeReceived(connectionId)}, not "${connection.id}"`);
    }
    ref = { key: brokerId };
  } else if (input.figi == null && input.symbol == null) {
    throw new BadUserInputError('InstrumentRef needs one of: id, figi, or symbol (with exchange where the broker needs it)');
  } else {
    ref = { figi: input.figi ?? undefined, symbol: input.symbol ?? undefined, exchange: input.exchange ?? undefined };
  }
  connection.adapter.identifiers.checkInstrumentRef(ref);
  return ref;
}
