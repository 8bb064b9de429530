import { fetch } from 'undici';
import { tinkoffSimulatorTokens } from '../../src/simulators/tinkoff/server.js';
import { graphql } from './graphql.js';
import type { LiveStack } from './live-stack.js';
import { sberFigi } from './live-stack.js';

/** Live accounts over the gateway: subscriptions, orders placed through it or straight at the simulator, and /readyz. */

export const tinkoffAccount = 'tbank:2000345678';

const orderFields = 'id status executedLots requestedLots averageFillPrice instrument { id }';

export function orderEventsSubscription(accountId = tinkoffAccount): string {
  return `subscription Orders { orderEvents(accountId: "${accountId}") { kind source asOf fill { lots price tradeId } order { ${orderFields} } } }`;
}

export const portfolioFields = 'asOf valuation { amount currency } cash { amount currency } positions { quantity lots averagePrice { amount currency } currentPrice { amount currency } expectedYield { amount currency } marketValue { amount currency } instrument { id } }';

export function portfolioSubscription(accountId = tinkoffAccount): string {
  return `subscription Portfolio { portfolio(accountId: "${accountId}") { ${portfolioFields} } }`;
}

export function portfolioQuery(accountId = tinkoffAccount): string {
  return `{ account(id: "${accountId}") { portfolio { ${portfolioFields} } } }`;
}

/** placeOrder through the gateway with the TRADE token; the placed order (any error fails the test). */
export async function placeOrder(stack: LiveStack, input: { accountId?: string; instrument?: string; side?: 'BUY' | 'SELL'; type?: 'MARKET' | 'LIMIT'; lots?: number; price?: string }) {
  const fields = [
    `accountId: "${input.accountId ?? tinkoffAccount}"`,
    `instrument: ${input.instrument ?? `{ figi: "${sberFigi}" }`}`,
    `side: ${input.side ?? 'BUY'}`,
    `type: ${input.type ?? 'MARKET'}`,
    `lots: ${input.lots ?? 1}`,
    ...(input.price ? [`price: "${input.price}"`] : []),
  ];
  const response = await graphql(stack.gateway, `mutation { placeOrder(input: { ${fields.join(', ')} }) { ${orderFields} } }`, { token: stack.tradeToken });
  if (response.errors) throw new Error(`placeOrder failed: ${JSON.stringify(response.errors)}`);
  return { order: response.data!.placeOrder as { id: string; status: string; averageFillPrice: string | null } };
}

/** An order placed at T-Invest's simulator by "another tool": straight over its REST API, not through brokerql. */
export async function placeOrderElsewhere(stack: Pick<LiveStack, 'tinkoff'>, body: Record<string, unknown>): Promise<{ orderId: string; executionReportStatus: string }> {
  const response = await fetch(`${stack.tinkoff.baseUrl}/tinkoff.public.invest.api.contract.v1.OrdersService/PostOrder`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tinkoffSimulatorTokens.full}`, 'content-type': 'application/json' },
    body: JSON.stringify({ accountId: '2000345678', instrumentId: sberFigi, quantity: '1', direction: 'ORDER_DIRECTION_BUY', orderType: 'ORDER_TYPE_MARKET', ...body }),
  });
  return (await response.json()) as { orderId: string; executionReportStatus: string };
}

/** /readyz's view of a connection's live accounts. */
export async function accountStream(stack: Pick<LiveStack, 'url'>, connection = 'tbank'): Promise<Record<string, any>> {
  const response = await fetch(`${stack.url}/readyz`);
  const body = (await response.json()) as { connections: Array<{ id: string; accountStream: Record<string, any> }> };
  return body.connections.find((entry) => entry.id === connection)!.accountStream;
}

/** Waits for an asynchronous condition (a probe over HTTP); fails naming it if it never holds within a generous bound. */
export async function eventually(check: () => Promise<boolean>, what: string, limitMilliseconds = 10_000): Promise<void> {
  const giveUp = Date.now() + limitMilliseconds;
  while (!(await check())) {
    if (Date.now() > giveUp) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Until the connection's account streams are live (or polling) and the account's working orders are known. */
export async function ordersFollowed(stack: Pick<LiveStack, 'url'>, state: 'live' | 'polling' = 'live', connection = 'tbank'): Promise<void> {
  await eventually(async () => {
    const status = await accountStream(stack, connection);
    return status['state'] === state && status['ordersFollowed'] >= 1;
  }, `the account streams of ${connection} to be ${state} with orders followed`);
}
