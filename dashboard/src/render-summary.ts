import { formatMoney, groupDigits } from './amounts.js';
import { byId, element, show, table } from './dom.js';
import type { NetWorthData } from './queries.js';

/** The net worth, what it leaves out and the rates it used. */
export function renderSummary(worth: NetWorthData['netWorth']): void {
  const total = byId('net-worth-total');
  total.dataset['amount'] = worth.total.amount;
  total.dataset['currency'] = worth.total.currency;
  total.textContent = `${groupDigits(worth.total.amount)} ${worth.total.currency}`;
  show(byId('net-worth-as-of'), `as of ${new Date(worth.asOf).toLocaleString()}`);

  const gaps = [
    ...worth.unreachable.map((gap) => `${gap.connection.id}: ${gap.reason}`),
    ...worth.missing.map((gap) => `${gap.account.name ?? gap.account.id}${gap.instrument ? ` · ${gap.instrument.ticker}` : ''}: ${gap.reason}`),
  ];
  show(
    byId('net-worth-gaps'),
    gaps.length > 0 && element('p', { class: 'warning' }, 'Not in the total (so the real amount is higher or lower):'),
    gaps.length > 0 && element('ul', { class: 'gaps' }, ...gaps.map((gap) => element('li', {}, gap))),
  );

  show(
    byId('rates'),
    worth.rates.length === 0
      ? element('p', { class: 'muted' }, 'No conversion needed.')
      : table(
          ['From', 'To', 'Rate', 'Source', 'As of'],
          worth.rates.map((rate) => [rate.from, rate.to, groupDigits(rate.rate), rate.source, new Date(rate.asOf).toLocaleTimeString()]),
        ),
  );

  show(
    byId('account-values'),
    table(
      ['Account', 'Positions', 'Cash', 'Total'],
      worth.accounts.map((row) => [row.account.id, formatMoney(row.positions), formatMoney(row.cash), formatMoney(row.total)]),
    ),
  );
}
