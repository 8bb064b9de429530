import { JournalSync, type SyncProgress } from '../../src/journal/sync.js';
import type { SeedOperation } from '../../src/simulators/tinkoff/data.js';
import type { TinkoffSimulator } from '../../src/simulators/tinkoff/server.js';
import type { Stack } from './stack.js';

/**
 * A T-Invest customer's busy stretch of history for the journal's tests: trades with their fee
 * (a child row naming its trade), pairs of identical fees in the same second (two operations
 * that only their ids tell apart), dividends, deposits. Deterministic.
 */
export function syntheticHistory(accountId: string, count: number, startIso: string): SeedOperation[] {
  const start = Date.parse(startIso);
  const rows: SeedOperation[] = [];
  const figis = ['BBG004730N88', 'BBG004730RP0', 'BBG00HYXLFQ7'];
  for (let index = 0; rows.length < count; index++) {
    const date = new Date(start + index * 3 * 3_600_000 + (index % 7) * 61_000).toISOString();
    const id = String(500_000_000 + index * 10);
    const figi = figis[index % figis.length]!;
    switch (index % 5) {
      case 0:
      case 1: {
        const quantity = 1 + (index % 9);
        rows.push({ id, accountId, date, type: 'OPERATION_TYPE_BUY', state: 'OPERATION_STATE_EXECUTED', figi, currency: 'rub', payment: `-${quantity * 100}.5`, price: '100.5', quantity, quantityDone: quantity, commission: '-0.05', description: 'Покупка ценных бумаг' });
        rows.push({ id: `${id}1`, parentId: id, accountId, date, type: 'OPERATION_TYPE_BROKER_FEE', state: 'OPERATION_STATE_EXECUTED', figi, currency: 'rub', payment: '-0.05', description: 'Удержание комиссии за операцию' });
        break;
      }
      case 2:
        // Two equal service fees in the same second: two operations.
        rows.push({ id, accountId, date, type: 'OPERATION_TYPE_SERVICE_FEE', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '-1.99', description: 'Комиссия за обслуживание' });
        rows.push({ id: `${id}2`, accountId, date, type: 'OPERATION_TYPE_SERVICE_FEE', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '-1.99', description: 'Комиссия за обслуживание' });
        break;
      case 3:
        rows.push({ id, accountId, date, type: 'OPERATION_TYPE_DIVIDEND', state: 'OPERATION_STATE_EXECUTED', figi, currency: 'rub', payment: `${index}.37`, quantity: 10, description: 'Выплата дивидендов' });
        break;
      default:
        rows.push({ id, accountId, date, type: 'OPERATION_TYPE_INPUT', state: 'OPERATION_STATE_EXECUTED', currency: 'rub', payment: '1000', description: 'Пополнение брокерского счёта' });
    }
  }
  return rows.slice(0, count);
}

/** What an operation is, as a comparable text: the simulator's row, or a journal row read through GraphQL. */
export function contentKey(row: { type: string; date: string; figi?: string | undefined; payment: string; quantity?: string | number | undefined }): string {
  return [row.type, new Date(row.date).toISOString(), row.figi ?? '', row.payment, row.quantity ?? ''].join('|');
}

/** The simulator's ground truth for an account: every operation it has, held-back ones included. */
export function groundTruth(simulator: TinkoffSimulator, accountId: string): string[] {
  return simulator.state.operations
    .filter((operation) => operation.accountId === accountId)
    .map((operation) =>
      contentKey({
        type: operation.type,
        date: operation.date,
        figi: operation.figi,
        payment: operation.payment,
        quantity: operation.quantity !== undefined && operation.quantity !== 0 && operation.figi ? String(operation.quantityDone || operation.quantity) : undefined,
      }),
    )
    .sort();
}

/** One full sync of one account's journal, as `serve` and `brokerql sync` run it. */
export async function syncJournal(stack: Stack, connectionId: string, brokerAccountId: string, { full = false } = {}): Promise<SyncProgress> {
  const { journal } = stack.gateway.history;
  const connection = stack.gateway.connections.get(connectionId)!;
  const accounts = await connection.adapter.listAccounts({});
  const account = accounts.find((candidate) => candidate.brokerAccountId === brokerAccountId);
  if (!account) throw new Error(`no account ${brokerAccountId} on ${connectionId}`);
  const sync = new JournalSync({ store: journal.store, states: journal.states, config: stack.config.journal, owner: 'test' });
  return sync.sync({ connection, account }, { full });
}
