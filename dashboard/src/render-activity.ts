import { formatMoney, groupDigits, isNegative } from './amounts.js';
import { byId, element, show, table } from './dom.js';
import type { OperationsData, OrderData } from './queries.js';

/** Working orders per account; kept by id so an order event replaces its row. */
const ordersByAccount = new Map<string, Map<string, OrderData>>();
const finished = new Set(['FILLED', 'CANCELLED', 'REJECTED']);

export function setOrders(accountId: string, orders: OrderData[]): void {
  ordersByAccount.set(accountId, new Map(orders.map((order) => [order.id, order])));
}

/**
 * An order event (Subscription.orderEvents) carries the order's whole state after the change, so
 * it replaces the row (an order another tool placed appears; a fill changes its lots and status)
 * and a finished order leaves the working list.
 */
export function applyOrderEvent(accountId: string, order: OrderData): void {
  const orders = ordersByAccount.get(accountId) ?? new Map<string, OrderData>();
  if (finished.has(order.status)) orders.delete(order.id);
  else orders.set(order.id, order);
  ordersByAccount.set(accountId, orders);
}

export function renderOrders(): void {
  const rows = [...ordersByAccount].flatMap(([accountId, orders]) => [...orders.values()].map((order) => ({ accountId, order })));
  show(
    byId('orders'),
    rows.length === 0
      ? element('p', { class: 'muted' }, 'No working orders.')
      : table(
          ['Account', 'Instrument', 'Side', 'Type', 'Status', 'Price', 'Lots (filled / asked)', 'Placed'],
          rows.map(({ accountId, order }) => ({
            attributes: { 'data-order': order.id, 'data-status': order.status },
            cells: [
              accountId,
              order.instrument.ticker,
              order.side,
              order.type,
              order.status,
              order.price === null ? 'market' : groupDigits(order.price),
              `${groupDigits(order.executedLots)} / ${groupDigits(order.requestedLots)}`,
              order.createdAt ? new Date(order.createdAt).toLocaleString() : '—',
            ],
          })),
        ),
  );
}

/** The most recent operations across accounts, newest first. */
export function renderOperations(data: OperationsData, limit = 25): void {
  const operations = data.accounts
    .flatMap((account) => (account.operations ?? []).map((operation) => ({ account, operation })))
    .sort((left, right) => Date.parse(right.operation.date) - Date.parse(left.operation.date))
    .slice(0, limit);
  show(
    byId('operations'),
    operations.length === 0
      ? element('p', { class: 'muted' }, 'No operations in the last 30 days.')
      : table(
          ['Date', 'Account', 'Type', 'Instrument', 'Quantity', 'Price', 'Payment', 'Status'],
          operations.map(({ account, operation }) => [
            new Date(operation.date).toLocaleString(),
            account.name ?? account.id,
            operation.type,
            operation.instrument?.ticker ?? '—',
            operation.quantity === null ? '—' : groupDigits(operation.quantity),
            operation.price === null ? '—' : groupDigits(operation.price),
            element('td', { class: isNegative(operation.payment.amount) ? 'number negative' : 'number' }, formatMoney(operation.payment)),
            operation.status,
          ]),
        ),
  );
}
