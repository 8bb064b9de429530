import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../src/auth/tokens.js';
import { serve, type ServingGateway } from '../src/server.js';
import { quotation } from '../src/simulators/tinkoff/wire.js';
import { openDatabase } from '../src/storage/database.js';
import { builtDashboard } from './support/dashboard.js';
import Big from 'big.js';
import { graphql } from './support/graphql.js';
import { ordersFollowed, placeOrderElsewhere, tinkoffAccount } from './support/live-accounts.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * The dashboard in a real Chromium (Debian's package, driven by playwright-core; never a
 * downloaded browser) against every simulated broker, as `brokerql demo` runs them, and a
 * gateway on a real port. CI installs Chromium and requires these tests (.ci/run sets
 * BROKERQL_REQUIRE_BROWSER=1: without Chromium they fail, loudly). Elsewhere `npm test` works with
 * only Node and npm: without Chromium they are skipped with a warning saying how to run them.
 * BROKERQL_SKIP_BROWSER=1 skips them anyway.
 */

const chromiumPath = process.env['BROKERQL_CHROMIUM'] ?? '/usr/bin/chromium';
const required = process.env['BROKERQL_REQUIRE_BROWSER'] === '1';
const skip = process.env['BROKERQL_SKIP_BROWSER'] === '1' || (!required && !existsSync(chromiumPath));
if (skip) {
  console.warn(
    process.env['BROKERQL_SKIP_BROWSER'] === '1'
      ? 'BROKERQL_SKIP_BROWSER=1: the dashboard browser tests are skipped'
      : `SKIPPED: the dashboard browser tests need Chromium at ${chromiumPath} (apt-get install -y chromium, or BROKERQL_CHROMIUM=path); CI requires them`,
  );
}

const artifacts = path.resolve('test-artifacts');
/** Generous: the page waits on the gateway, which waits on four simulators, on a shared machine. */
const patience = 15_000;
/** A test waits for a few such steps. */
const testTimeout = 60_000;
const sberFigi = 'BBG004730N88';

describe.skipIf(skip)('the dashboard in Chromium', () => {
  let stack: Stack;
  let serving: ServingGateway;
  let context: BrowserContext;
  let userDataDirectory: string;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`Chromium is not at ${chromiumPath} and BROKERQL_REQUIRE_BROWSER=1 requires the browser tests: install Debian's package (apt-get install -y chromium)`);
    }
    const dashboardDirectory = await builtDashboard();
    stack = await startStack({ brokers: ['tinkoff', 'tinkoff-v1', 'alor', 'instaforex'], server: { port: 0 }, dashboardDirectory });
    serving = await serve(stack.gateway);
    url = `${serving.server.url}/dashboard`;
    userDataDirectory = mkdtempSync(path.join(tmpdir(), 'brokerql-chromium-'));
    context = await chromium.launchPersistentContext(userDataDirectory, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await serving?.stop();
    await stack?.close();
    if (userDataDirectory) rmSync(userDataDirectory, { recursive: true, force: true });
  });

  /** A new tab (its own sessionStorage) recording every console error and uncaught exception. */
  async function openTab({ clock = false, webSockets }: { clock?: boolean; webSockets?: (route: WebSocketRoute) => void } = {}): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    // A test may stand between the page and the gateway's WebSocket (to cut it).
    if (webSockets) await page.routeWebSocket(/\/graphql$/, webSockets);
    // The page's clock runs as usual, and a test can move it on instead of waiting for a timer.
    if (clock) await page.clock.install();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    await page.goto(url);
    return { page, errors };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.locator('#token-input').fill(token);
    await page.locator('#token-form button[type=submit]').click();
  }

  it('loads with zero console errors and shows exactly the net worth netWorth returns', async () => {
    const { page, errors } = await openTab();
    await signIn(page, stack.readToken);
    const total = page.getByTestId('net-worth-total');
    await expect.poll(() => total.getAttribute('data-amount'), { timeout: patience }).not.toBeNull();
    // Everything has loaded: positions, the brokers' health, the operations (the last request).
    await page.locator('#operations table').waitFor({ timeout: patience });
    await page.locator('[data-price-of]').first().waitFor({ timeout: patience });

    const answer = await graphql(stack.gateway, '{ netWorth { total { amount currency } } }', { token: stack.readToken });
    const expected = (answer.data!['netWorth'] as { total: { amount: string; currency: string } }).total;
    expect(await total.getAttribute('data-amount')).toBe(expected.amount);
    expect((await total.textContent())!.replace(/\s/g, '')).toBe(`${expected.amount}${expected.currency}`.replace('-', '−'));
    // Health is read after netWorth, which has just called every broker.
    expect(await page.locator('#health tbody tr').count()).toBe(4);
    expect(await page.locator('#health .state-ok').count()).toBe(4);
    expect(await page.locator('section.account').count()).toBeGreaterThan(4);

    // The token is in this tab's sessionStorage only: not in the URL, not in a cookie.
    expect(page.url()).toBe(url);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.getItem('brokerql.token'))).toBe(stack.readToken);

    // The currency switcher: the same number netWorth(currency: "USD") returns.
    await page.locator('#currency').selectOption('USD');
    await expect.poll(() => total.getAttribute('data-currency'), { timeout: patience }).toBe('USD');
    const inDollars = await graphql(stack.gateway, '{ netWorth(currency: "USD") { total { amount } } }', { token: stack.readToken });
    expect(await total.getAttribute('data-amount')).toBe((inDollars.data!['netWorth'] as { total: { amount: string } }).total.amount);
    await page.locator('#currency').selectOption('RUB');
    await expect.poll(() => total.getAttribute('data-currency'), { timeout: patience }).toBe('RUB');

    // Value over time: the net worth the page asked for was recorded, so the chart has its point.
    await expect.poll(async () => Number(await page.getByTestId('history-chart').getAttribute('data-points')), { timeout: patience }).toBeGreaterThan(0);
    expect(await page.locator('#history-note').textContent()).not.toContain('No history yet');
    expect(await page.locator('#notice').isHidden()).toBe(true);

    mkdirSync(artifacts, { recursive: true });
    const screenshot = path.join(artifacts, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`dashboard screenshot: ${screenshot}`);
    expect(errors).toEqual([]);
    await page.close();
  }, testTimeout);

  it('shows a new price when the simulated market moves it', async () => {
    const { page, errors } = await openTab({ clock: true });
    await signIn(page, stack.readToken);
    await expect.poll(() => page.locator('#live-state').textContent(), { timeout: patience }).toBe('live');
    const cells = page.locator(`[data-price-of="tbank:${sberFigi}"]`);
    await cells.first().waitFor({ timeout: patience });
    // The subscription's first event is the current price; wait for it, then move the market.
    const market = stack.simulators.byBroker.tinkoff!.market!;
    await expect.poll(() => cells.first().getAttribute('data-live'), { timeout: patience }).toBe(market.lastPrice(sberFigi));
    const before = market.lastPrice(sberFigi);
    const totalBefore = await page.getByTestId('net-worth-total').getAttribute('data-amount');
    for (let step = 0; step < 200 && market.lastPrice(sberFigi) === before; step++) market.tick([sberFigi]);
    const moved = market.lastPrice(sberFigi);
    expect(moved).not.toBe(before);
    await expect.poll(() => cells.first().getAttribute('data-live'), { timeout: patience }).toBe(moved);
    expect(await cells.first().textContent()).toContain(moved.split('.')[0]!.slice(-3));
    // The net worth follows: asked of the gateway again 30 s after prices move.
    await page.clock.fastForward('00:31');
    const answer = await graphql(stack.gateway, '{ netWorth { total { amount } } }', { token: stack.readToken });
    const expected = (answer.data!['netWorth'] as { total: { amount: string } }).total.amount;
    expect(expected).not.toBe(totalBefore);
    await expect.poll(() => page.getByTestId('net-worth-total').getAttribute('data-amount'), { timeout: patience }).toBe(expected);
    expect(errors).toEqual([]);
    await page.close();
  }, testTimeout);

  it("follows the account's orders and portfolio: another tool's order appears, its fill moves the row, activity, position and net worth, a partial fill changes a row, a cancel removes it", async () => {
    const { page, errors } = await openTab({ clock: true });
    await signIn(page, stack.readToken);
    const account = page.locator(`section.account[data-account="${tinkoffAccount}"]`);
    // The portfolio subscription's first event (the current portfolio) marks the account live;
    // the orderEvents subscription went out with it over the same socket.
    await expect.poll(() => account.getAttribute('data-live-portfolio'), { timeout: patience }).not.toBeNull();
    await ordersFollowed({ url: serving.server.url });
    const quantity = account.locator(`[data-quantity-of="tbank:${sberFigi}"]`);
    const quantityBefore = (await quantity.getAttribute('data-quantity'))!;
    const instrument = await graphql(stack.gateway, `{ instrument(connection: "tbank", ref: { figi: "${sberFigi}" }) { lotSize } }`, { token: stack.readToken });
    const lotSize = (instrument.data!['instrument'] as { lotSize: string | number }).lotSize;
    const totalBefore = await page.getByTestId('net-worth-total').getAttribute('data-amount');

    // Another tool (a TRADE token; the page holds a READ one) places a limit order at the best bid:
    // it waits there, and the page shows it from its ACCEPTED event.
    const market = stack.simulators.byBroker.tinkoff!.market!;
    const bestBid = market.book(sberFigi, 1).bids[0]!;
    const placeLimitOrder = async (lots: number, price: string) => {
      const input = `accountId: "${tinkoffAccount}", instrument: { figi: "${sberFigi}" }, side: BUY, type: LIMIT, lots: ${lots}, price: "${price}"`;
      const placed = await graphql(stack.gateway, `mutation { placeOrder(input: { ${input} }) { id } }`, { token: stack.tradeToken });
      expect(placed.errors, JSON.stringify(placed.errors)).toBeUndefined();
      return (placed.data!['placeOrder'] as { id: string }).id;
    };
    const orderId = await placeLimitOrder(2, bestBid.price);
    const row = page.locator(`#orders tr[data-order="${orderId}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: patience }).toBe('NEW');
    await page.locator(`#order-events tr[data-order="${orderId}"][data-kind="ACCEPTED"]`).waitFor({ timeout: patience });

    // Someone sells into the level: the orders resting there before it, then ours, filled.
    market.execute(sberFigi, 'sell', bestBid.quantity + 2, bestBid.price);
    await row.waitFor({ state: 'detached', timeout: patience });
    const filled = page.locator(`#order-events tr[data-order="${orderId}"][data-kind="FILLED"]`);
    await filled.waitFor({ timeout: patience });
    expect(await filled.textContent()).toContain(`2 @ ${bestBid.price}`);
    const expectedQuantity = new Big(quantityBefore).plus(new Big(lotSize).times(2)).toString();
    await expect.poll(() => quantity.getAttribute('data-quantity'), { timeout: patience }).toBe(expectedQuantity);

    // The net worth follows within its throttle: asked again 30 s after the change.
    await page.clock.fastForward('00:31');
    const answer = await graphql(stack.gateway, '{ netWorth { total { amount } } }', { token: stack.readToken });
    const expected = (answer.data!['netWorth'] as { total: { amount: string } }).total.amount;
    expect(expected).not.toBe(totalBefore);
    await expect.poll(() => page.getByTestId('net-worth-total').getAttribute('data-amount'), { timeout: patience }).toBe(expected);

    // An order placed straight at T-Invest, not through brokerql, appears too (the order stream
    // tells); a rouble under the bid, so that it waits whatever the book did since.
    const underTheBid = new Big(bestBid.price).minus(1).toFixed(2);
    const elsewhere = await placeOrderElsewhere(stack, { orderId: randomUUID(), orderType: 'ORDER_TYPE_LIMIT', price: quotation(underTheBid) });
    expect(elsewhere.executionReportStatus).toBe('EXECUTION_REPORT_STATUS_NEW');
    await expect.poll(() => page.locator(`#orders tr[data-order="${elsewhere.orderId}"]`).getAttribute('data-status'), { timeout: patience }).toBe('NEW');

    // A partial fill changes the order's row; cancelled, it leaves the working orders.
    const nextBid = market.book(sberFigi, 1).bids[0]!;
    const cancelledId = await placeLimitOrder(2, nextBid.price);
    const cancelledRow = page.locator(`#orders tr[data-order="${cancelledId}"]`);
    await expect.poll(() => cancelledRow.getAttribute('data-status'), { timeout: patience }).toBe('NEW');
    market.execute(sberFigi, 'sell', nextBid.quantity + 1, nextBid.price);
    await expect.poll(() => cancelledRow.getAttribute('data-status'), { timeout: patience }).toBe('PARTIALLY_FILLED');
    expect(await cancelledRow.textContent()).toContain('1 / 2');
    expect(await page.locator(`#order-events tr[data-order="${cancelledId}"][data-kind="PARTIALLY_FILLED"]`).textContent()).toContain(`1 @ ${nextBid.price}`);
    const cancelled = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "${tinkoffAccount}", orderId: "${cancelledId}") { status } }`, { token: stack.tradeToken });
    expect(cancelled.data).toEqual({ cancelOrder: { status: 'CANCELLED' } });
    await cancelledRow.waitFor({ state: 'detached', timeout: patience });
    await page.locator(`#order-events tr[data-order="${cancelledId}"][data-kind="CANCELLED"]`).waitFor({ timeout: patience });
    expect(errors).toEqual([]);
    await page.close();
  }, testTimeout);

  it('reads the working orders again when its socket is back: order events of the gap are not replayed', async () => {
    // The page's socket passes through here; while `refusing`, a new one is closed at once
    // (1012, "service restart": graphql-ws tries again, a little later).
    let refusing = false;
    let current: { page: WebSocketRoute; server: WebSocketRoute } | undefined;
    const { page, errors } = await openTab({
      webSockets: (route) => {
        if (refusing) return void route.close({ code: 1012, reason: 'restarting' });
        current = { page: route, server: route.connectToServer() };
      },
    });
    await signIn(page, stack.readToken);
    const account = page.locator(`section.account[data-account="${tinkoffAccount}"]`);
    await expect.poll(() => account.getAttribute('data-live-portfolio'), { timeout: patience }).not.toBeNull();
    await ordersFollowed({ url: serving.server.url });
    const liveState = page.locator('#live-state');
    refusing = true;
    await current!.server.close({ code: 1012, reason: 'restarting' });
    await current!.page.close({ code: 1012, reason: 'restarting' });
    await expect.poll(() => liveState.textContent(), { timeout: patience }).toBe('reconnecting…');

    // Placed while the page has no socket: its ACCEPTED event goes to nobody.
    const underTheBid = new Big(stack.simulators.byBroker.tinkoff!.market!.book(sberFigi, 1).bids[0]!.price).minus(1).toFixed(2);
    const input = `accountId: "${tinkoffAccount}", instrument: { figi: "${sberFigi}" }, side: BUY, type: LIMIT, lots: 1, price: "${underTheBid}"`;
    const placed = await graphql(stack.gateway, `mutation { placeOrder(input: { ${input} }) { id } }`, { token: stack.tradeToken });
    const orderId = (placed.data!['placeOrder'] as { id: string }).id;
    refusing = false;
    await expect.poll(() => liveState.textContent(), { timeout: patience }).toBe('live');
    await expect.poll(() => page.locator(`#orders tr[data-order="${orderId}"]`).getAttribute('data-status'), { timeout: patience }).toBe('NEW');
    expect(errors).toEqual([]);
    await page.close();
  }, testTimeout);

  it("says an account is no longer live when brokerql ends its subscriptions (the token revoked)", async () => {
    const token = stack.token('READ');
    const { page, errors } = await openTab();
    await signIn(page, token);
    const account = page.locator(`section.account[data-account="${tinkoffAccount}"]`);
    await expect.poll(() => account.getAttribute('data-live-portfolio'), { timeout: patience }).not.toBeNull();
    expect(await account.locator('.live-state').textContent()).toBe('live');
    // `brokerql token revoke` in another process: its own connection to the same SQLite file.
    const elsewhere = openDatabase(stack.dataDir);
    new TokenStore(elsewhere).revoke(token.slice(4, 16));
    elsewhere.close();
    await expect.poll(() => account.locator('.live-state').textContent(), { timeout: patience }).toMatch(/^not live: (portfolio|orders): the bearer token has been revoked/);
    expect(errors).toEqual([]);
    await page.close();
  }, testTimeout);

  it('refuses a bad token with a clear message, and a TRADE token', async () => {
    const { page } = await openTab();
    const message = page.locator('#token-message');
    await signIn(page, 'not a token');
    await expect.poll(() => message.textContent(), { timeout: patience }).toMatch(/not a brokerql token/);
    await signIn(page, 'bql_thisTokenDoesNotExist');
    await expect.poll(() => message.textContent(), { timeout: patience }).toMatch(/refused this token: it is unknown, expired or revoked/);
    expect(await page.locator('#board').isHidden()).toBe(true);
    await signIn(page, stack.tradeToken);
    await expect.poll(() => message.textContent(), { timeout: patience }).toMatch(/TRADE token.*paste a READ token/);
    expect(await page.evaluate(() => sessionStorage.getItem('brokerql.token'))).toBeNull();
    await page.close();
  }, testTimeout);
});
