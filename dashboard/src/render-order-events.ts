import { groupDigits } from './amounts.js';
import { byId, element, show, table } from './dom.js';
import type { OrderEventData } from './queries.js';

/**
 * Recent activity as it happens: each order event (Subscription.orderEvents) since the page
 * opened, newest first. The operations list below is the broker's books, read again only with
 * the net worth (at most every 30 s) — a fill is shown here at once, exactly as brokerql reported
 * it, without asking any broker.
 */

const shown = 25;
const events: Array<{ accountId: string; event: OrderEventData }> = [];

export function recordOrderEvent(accountId: string, event: OrderEventData): void {
  events.unshift({ accountId, event });
  events.length = Math.min(events.length, shown);
}

export function renderOrderEvents(): void {
  show(
    byId('order-events'),
    events.length === 0
      ? element('p', { class: 'muted' }, 'No order has changed since the page opened.')
      : table(
          ['Time', 'Account', 'Instrument', 'Change', 'This fill (lots @ price)', 'Lots (filled / asked)', 'Status'],
          events.map(({ accountId, event }) => ({
            attributes: { 'data-order': event.order.id, 'data-kind': event.kind },
            cells: [
              new Date(event.asOf).toLocaleTimeString(),
              accountId,
              `${event.order.side} ${event.order.instrument.ticker}`,
              event.kind,
              event.fill ? `${groupDigits(event.fill.lots)} @ ${groupDigits(event.fill.price)}` : '—',
              `${groupDigits(event.order.executedLots)} / ${groupDigits(event.order.requestedLots)}`,
              event.order.status,
            ],
          })),
        ),
  );
}
