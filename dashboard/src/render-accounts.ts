import { formatMoney, groupDigits, isNegative, multiply, percentOf, sameAmount, subtract } from './amounts.js';
import { element, show, table } from './dom.js';
import type { AccountData, PortfolioData, PositionData } from './queries.js';

/**
 * Positions per account, with price, value and yield. A price cell carries its instrument's id
 * (data-price-of) and a value cell the quantity (data-value-of, data-quantity), so a live price
 * can update every account that holds the instrument; the quantity cell says its own
 * (data-quantity-of), which a portfolio event changes. Each account's heading says whether its
 * subscriptions are live.
 */

/** The newest live price of each instrument, to apply again over a re-rendered portfolio. */
const livePrices = new Map<string, { price: string; asOf: string }>();
/** Why an account's subscriptions stopped, by account id: kept, so a later portfolio event does not say "live" over it. */
const accountProblems = new Map<string, string>();

export function renderAccounts(container: HTMLElement, accounts: AccountData[], failures: ReadonlyMap<string, string>): void {
  accountProblems.clear();
  show(
    container,
    ...accounts.map((account) =>
      element(
        'section',
        { class: 'account', 'data-account': account.id },
        element(
          'h3',
          {},
          `${account.name ?? account.id} `,
          element('span', { class: 'muted' }, `${account.id} · ${account.broker}${account.type ? ` · ${account.type}` : ''} `),
          element('span', { class: 'live-state' }),
        ),
        element('div', { class: 'portfolio' }, ...portfolioContent(account.portfolio, failures.get(`${account.id}/portfolio`))),
      ),
    ),
  );
}

/**
 * Re-renders one account's portfolio (a portfolio subscription's event: positions or cash
 * changed). Its prices are those of the change — the streams do not push price moves — so a live
 * price newer than the portfolio is applied again on top.
 */
export function renderPortfolio(container: HTMLElement, accountId: string, portfolio: PortfolioData): void {
  const section = accountSection(container, accountId);
  const target = section?.querySelector<HTMLElement>('.portfolio');
  if (!section || !target) return;
  show(target, ...portfolioContent(portfolio, undefined));
  section.dataset['livePortfolio'] = portfolio.asOf;
  showLiveState(section);
  for (const { instrument } of portfolio.positions) {
    const live = livePrices.get(instrument.id);
    if (live && Date.parse(live.asOf) > Date.parse(portfolio.asOf)) applyPriceIn(target, instrument.id, live.price);
  }
}

/** A live subscription of the account failed: said beside its name, so the numbers are not taken as live. */
export function showAccountProblem(container: HTMLElement, accountId: string, message: string): void {
  accountProblems.set(accountId, message);
  const section = accountSection(container, accountId);
  if (section) showLiveState(section);
}

function showLiveState(section: HTMLElement): void {
  const problem = accountProblems.get(section.dataset['account'] ?? '');
  const badge = problem ? element('span', { class: 'badge state-failing' }, `not live: ${problem}`) : element('span', { class: 'badge state-ok' }, 'live');
  show(section.querySelector<HTMLElement>('.live-state')!, badge);
}

function accountSection(container: HTMLElement, accountId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`section.account[data-account="${CSS.escape(accountId)}"]`);
}

function portfolioContent(portfolio: PortfolioData | null, failure: string | undefined): Node[] {
  if (!portfolio) return [element('p', { class: 'warning' }, `Portfolio unavailable: ${failure ?? 'the broker did not answer'}`)];
  const cash = portfolio.cash.filter((row) => row.amount !== '0');
  return [
    element('p', { class: 'cash' }, 'Cash: ', cash.length === 0 ? '—' : cash.map(formatMoney).join(' · ')),
    portfolio.positions.length === 0
      ? element('p', { class: 'muted' }, 'No positions.')
      : table(['Instrument', 'Type', 'Quantity', 'Price', 'Value', 'Yield', 'Yield %'], portfolio.positions.map(positionRow)),
  ];
}

function positionRow(position: PositionData): HTMLTableCellElement[] {
  const { instrument, currentPrice, marketValue, expectedYield } = position;
  // Yield against what the position cost: its value now less its yield.
  const yieldPercent = expectedYield && marketValue && expectedYield.currency === marketValue.currency ? percentOf(expectedYield.amount, subtract(marketValue.amount, expectedYield.amount)) : null;
  const priceCell = element('td', { class: 'number', 'data-price-of': instrument.id }, formatMoney(currentPrice));
  if (currentPrice) priceCell.dataset['currency'] = currentPrice.currency;
  const valueCell = element('td', { class: 'number' }, formatMoney(marketValue));
  // Only a value that is quantity × price follows the price: not a margin position's, nor a bond
  // priced in percent of its face value (ALOR: 100.15 for 1001.50 RUB).
  if (marketValue && currentPrice && marketValue.currency === currentPrice.currency && sameAmount(multiply(position.quantity, currentPrice.amount), marketValue.amount)) {
    valueCell.dataset['valueOf'] = instrument.id;
    valueCell.dataset['quantity'] = position.quantity;
    valueCell.dataset['currency'] = marketValue.currency;
  }
  return [
    element('td', {}, element('strong', {}, instrument.ticker), instrument.name ? element('span', { class: 'muted' }, ` ${instrument.name}`) : null),
    element('td', {}, instrument.type ?? '—'),
    element('td', { class: 'number', 'data-quantity-of': instrument.id, 'data-quantity': position.quantity }, groupDigits(position.quantity)),
    priceCell,
    valueCell,
    element('td', { class: expectedYield && isNegative(expectedYield.amount) ? 'number negative' : 'number positive' }, formatMoney(expectedYield)),
    element('td', { class: 'number' }, yieldPercent === null ? '—' : `${yieldPercent} %`),
  ];
}

/** A live price (Subscription.lastPrices): every cell of that instrument, and the values that follow it. */
export function applyPrice(container: HTMLElement, instrumentId: string, price: string, asOf: string): number {
  livePrices.set(instrumentId, { price, asOf });
  return applyPriceIn(container, instrumentId, price);
}

function applyPriceIn(container: HTMLElement, instrumentId: string, price: string): number {
  let updated = 0;
  for (const cell of container.querySelectorAll<HTMLElement>(`[data-price-of="${CSS.escape(instrumentId)}"]`)) {
    cell.textContent = `${groupDigits(price)} ${cell.dataset['currency'] ?? ''}`.trim();
    cell.dataset['live'] = price;
    flash(cell);
    updated += 1;
  }
  for (const cell of container.querySelectorAll<HTMLElement>(`[data-value-of="${CSS.escape(instrumentId)}"]`)) {
    cell.textContent = formatMoney({ amount: multiply(cell.dataset['quantity'] ?? '0', price), currency: cell.dataset['currency'] ?? '' });
    flash(cell);
  }
  return updated;
}

function flash(cell: HTMLElement): void {
  cell.classList.remove('flash');
  // Restarts the CSS animation: reading layout between the two class changes.
  void cell.offsetWidth;
  cell.classList.add('flash');
}
