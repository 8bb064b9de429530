import { graphqlRequest, TokenRefusedError, type GraphQLErrorLike } from './api.js';
import { byId, show } from './dom.js';
import { startLive, subscriptionFields } from './live.js';
import {
  accountsQuery,
  healthQuery,
  netWorthQuery,
  operationsQuery,
  viewerQuery,
  workingOrdersQuery,
  type AccountData,
  type ConnectionData,
  type HealthData,
  type NetWorthData,
  type OperationsData,
  type ViewerData,
  type WorkingOrdersData,
} from './queries.js';
import { applyOrderEvent, renderOperations, renderOrders, setOrders } from './render-activity.js';
import { applyPrice, renderAccounts, renderPortfolio, showAccountProblem } from './render-accounts.js';
import { renderAllocation } from './render-allocation.js';
import { renderHealth } from './render-health.js';
import { refreshHistory } from './render-history.js';
import { recordOrderEvent, renderOrderEvents } from './render-order-events.js';
import { renderSummary } from './render-summary.js';
import { forgetToken, readToken, saveToken, tokenShapeProblem } from './token.js';

/**
 * The dashboard: ask for a READ token once, then show what it can see — net worth in a chosen
 * currency, allocation, broker health, positions, working orders, recent operations — and keep
 * prices (and, where the gateway has them, portfolios and orders) live. Only the public GraphQL
 * API, only with the tab's token.
 */

const currencyKey = 'brokerql.currency';
/**
 * While prices move, the net worth is asked again at most this often. Each ask reads every
 * account's portfolio from its broker (T-Invest: two calls per account, of 200 a minute for all
 * of the user's programs): every few seconds, one tab alone would use up the budget. The
 * positions' prices and values follow every tick in between.
 */
const netWorthRefreshMilliseconds = 30_000;

let token: string | null = null;
let stopLive: (() => void) | undefined;
let refreshTimer: number | undefined;
/** A fill was reported since the operations were read: the next throttled refresh reads them again. */
let operationsStale = false;
let connections: ConnectionData[] = [];
const liveProblems = new Map<string, string>();

function showTokenForm(message: string | null): void {
  stopLive?.();
  stopLive = undefined;
  byId('board').hidden = true;
  byId('sign-out').hidden = true;
  byId('token-panel').hidden = false;
  show(byId('token-message'), message);
  byId<HTMLInputElement>('token-input').focus();
}

function notice(text: string | null): void {
  const area = byId('notice');
  area.hidden = text === null;
  show(area, text);
}

async function open(candidate: string): Promise<void> {
  const problem = tokenShapeProblem(candidate);
  if (problem) return showTokenForm(problem);
  try {
    const { data } = await graphqlRequest<ViewerData>(candidate, viewerQuery);
    if (data.viewer.scope !== 'READ') {
      forgetToken();
      return showTokenForm('This is a TRADE token. The dashboard only reads: paste a READ token (brokerql token create --scope read), so this tab cannot place orders.');
    }
    token = candidate;
    saveToken(candidate);
    byId('token-panel').hidden = true;
    byId('board').hidden = false;
    byId('sign-out').hidden = false;
    show(byId('viewer'), data.viewer.name);
    await loadBoard();
  } catch (error) {
    if (error instanceof TokenRefusedError) {
      forgetToken();
      return showTokenForm('brokerql refused this token: it is unknown, expired or revoked. Paste a current READ token.');
    }
    if (token === null) return showTokenForm(`Could not reach brokerql: ${(error as Error).message}`);
    notice(`Could not load the dashboard: ${(error as Error).message}`);
  }
}

async function refreshNetWorth(): Promise<void> {
  if (token === null) return;
  const currency = byId<HTMLSelectElement>('currency').value;
  const { data } = await graphqlRequest<NetWorthData>(token, netWorthQuery, { currency });
  renderSummary(data.netWorth);
  renderAllocation('by-connection', data.netWorth.byConnection);
  renderAllocation('by-type', data.netWorth.byInstrumentType);
  // After netWorth: the value it has just recorded is the history's newest point.
  await refreshHistory(token, currency);
  connections = (await graphqlRequest<HealthData>(token, healthQuery)).data.connections;
  renderHealth(connections, liveProblems);
}

/**
 * After a live change (a price, a portfolio, a fill) the net worth is asked again — once, at most
 * every 30 s however many changes come — and, after a fill, the operations with it. Recomputing
 * the total in the page would need every rate and every broker's valuation rules; asking is exact.
 */
function scheduleNetWorth(): void {
  if (refreshTimer !== undefined) return;
  refreshTimer = window.setTimeout(() => {
    refreshTimer = undefined;
    refreshNetWorth().catch(reportLoadError);
    if (operationsStale) loadOperations().catch(reportLoadError);
  }, netWorthRefreshMilliseconds);
}

function reportLoadError(error: unknown): void {
  if (error instanceof TokenRefusedError) return showTokenForm('brokerql no longer accepts this token (revoked or expired). Paste a current READ token.');
  notice(`Could not refresh: ${(error as Error).message}`);
}

/** Field errors by "<account id>/<field>", for the sections to say what is missing and why. */
function failuresByField(errors: GraphQLErrorLike[], accounts: AccountData[]): Map<string, string> {
  const failures = new Map<string, string>();
  for (const error of errors) {
    const [root, index, field] = error.path ?? [];
    const account = root === 'accounts' && typeof index === 'number' ? accounts[index] : undefined;
    if (account && typeof field === 'string') failures.set(`${account.id}/${field}`, error.message);
  }
  return failures;
}

async function loadBoard(): Promise<void> {
  if (token === null) return;
  const current = token;
  const [, accountsAnswer] = await Promise.all([refreshNetWorth(), graphqlRequest<{ accounts: AccountData[] }>(current, accountsQuery)]);
  const accounts = accountsAnswer.data.accounts;
  renderAccounts(byId('accounts'), accounts, failuresByField(accountsAnswer.errors, accounts));
  for (const account of accounts) setOrders(account.id, account.orders ?? []);
  renderOrders();
  notice(accountsAnswer.errors.length > 0 ? `Some of it is missing: ${accountsAnswer.errors.map((error) => error.message).join('; ')}` : null);

  const instruments = new Map<string, string[]>();
  for (const account of accounts) {
    const held = instruments.get(account.connection.id) ?? [];
    for (const position of account.portfolio?.positions ?? []) if (!held.includes(position.instrument.id)) held.push(position.instrument.id);
    instruments.set(account.connection.id, held);
  }
  const available = await subscriptionFields(current);
  stopLive?.();
  let socketWasDown = false;
  stopLive = startLive(current, { instruments, accountIds: accounts.filter((account) => account.portfolio).map((account) => account.id) }, available, {
    price(instrumentId, price, asOf) {
      if (applyPrice(byId('accounts'), instrumentId, price, asOf) > 0) scheduleNetWorth();
    },
    portfolio(accountId, portfolio) {
      renderPortfolio(byId('accounts'), accountId, portfolio);
      scheduleNetWorth();
    },
    orderEvent(accountId, event) {
      applyOrderEvent(accountId, event.order);
      renderOrders();
      recordOrderEvent(accountId, event);
      renderOrderEvents();
      if (event.fill) {
        operationsStale = true;
        scheduleNetWorth();
      }
    },
    problem(topic, message) {
      if (topic.kind === 'prices') {
        liveProblems.set(topic.connection, `not live: ${message}`);
        renderHealth(connections, liveProblems);
      } else {
        // orderEvents ends with RATE_LIMITED when the page fell 1,000 events behind: the orders
        // shown may be stale from here on, and the badge says so (reloading follows them again).
        showAccountProblem(byId('accounts'), topic.accountId, `${topic.kind === 'orders' ? 'orders' : 'portfolio'}: ${message}`);
      }
    },
    connection(up) {
      byId('live-state').textContent = up ? 'live' : 'reconnecting…';
      byId('live-state').className = up ? 'badge state-ok' : 'badge state-failing';
      // The subscriptions resume on the new socket, but order events of the gap are not replayed
      // (a client joining gets the changes from then on): the working orders are read again.
      if (up && socketWasDown && available.has('orderEvents')) reloadWorkingOrders().catch(reportLoadError);
      socketWasDown ||= !up;
    },
  });

  await loadOperations();
}

async function reloadWorkingOrders(): Promise<void> {
  if (token === null) return;
  const { data } = await graphqlRequest<WorkingOrdersData>(token, workingOrdersQuery);
  for (const account of data.accounts) if (account.orders) setOrders(account.id, account.orders);
  renderOrders();
}

async function loadOperations(): Promise<void> {
  if (token === null) return;
  operationsStale = false;
  const to = new Date();
  const from = new Date(to.getTime() - 30 * 24 * 3600 * 1000);
  const operations = await graphqlRequest<OperationsData>(token, operationsQuery, { from: from.toISOString(), to: to.toISOString() });
  renderOperations(operations.data);
}

function start(): void {
  const currency = byId<HTMLSelectElement>('currency');
  currency.value = sessionStorage.getItem(currencyKey) ?? 'RUB';
  currency.addEventListener('change', () => {
    sessionStorage.setItem(currencyKey, currency.value);
    refreshNetWorth().catch(reportLoadError);
  });
  byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('token-input');
    const candidate = input.value.trim();
    input.value = '';
    void open(candidate);
  });
  byId('sign-out').addEventListener('click', () => {
    token = null;
    forgetToken();
    showTokenForm('The token is forgotten. Paste one to open the dashboard again.');
  });
  const saved = readToken();
  if (saved) void open(saved);
  else showTokenForm(null);
}

start();
