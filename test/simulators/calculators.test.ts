import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alorRouteNames, alorSimulatorRefreshTokens, createAlorSimulator } from '../../src/simulators/alor/server.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../../src/simulators/tinkoff/server.js';

/**
 * The simulators' order calculators over loopback HTTP, in the brokers' own shapes: T-Invest
 * GetOrderPrice and GetMaxLots (orders.proto / openapi.yaml), ALOR …/orders/estimate and
 * …/estimate/all (WarpOpenAPIv2.yml), with the 0.05 % commission of their data tables.
 */

const tinkoff = createTinkoffSimulator({ rateLimits: false });
const alor = createAlorSimulator({ rateLimits: false });
let alorToken = '';

beforeAll(async () => {
  await Promise.all([tinkoff.server.start(), alor.server.start()]);
  const refreshed = await fetch(`${alor.authUrl}/refresh?token=${alorSimulatorRefreshTokens.valid}`, { method: 'POST' });
  alorToken = ((await refreshed.json()) as { AccessToken: string }).AccessToken;
});
afterAll(() => Promise.all([tinkoff.server.stop(), alor.server.stop()]));

async function tinkoffCall(method: string, body: unknown) {
  const response = await fetch(`${tinkoff.baseUrl}/tinkoff.public.invest.api.contract.v1.OrdersService/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tinkoffSimulatorTokens.full}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function alorEstimate(path: string, body: unknown) {
  const response = await fetch(`${alor.apiUrl}/commandapi/warptrans/TRADE/v2/client/orders/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alorToken}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
}

describe('T-Invest', () => {
  it('GetOrderPrice: amounts as MoneyValue, the commission in roubles too, a bond extra', async () => {
    const share = await tinkoffCall('GetOrderPrice', {
      accountId: '2000345678',
      instrumentId: 'BBG000B9XRY4',
      price: { units: '189', nano: 470000000 },
      direction: 'ORDER_DIRECTION_SELL',
      quantity: '2',
    });
    expect(share.status).toBe(200);
    // 2 AAPL × 189.47 = 378.94 USD; commission 0.18947 → 0.19 USD = 17.57 RUB at 92.4775; a seller gets 378.75.
    expect(share.body).toEqual({
      totalOrderAmount: { currency: 'usd', units: '378', nano: 750000000 },
      initialOrderAmount: { currency: 'usd', units: '378', nano: 940000000 },
      lotsRequested: '2',
      executedCommission: { currency: 'usd', units: '0', nano: 190000000 },
      executedCommissionRub: { currency: 'rub', units: '17', nano: 570000000 },
      serviceCommission: { currency: 'usd', units: '0', nano: 0 },
      dealCommission: { currency: 'usd', units: '0', nano: 190000000 },
    });
    const bond = await tinkoffCall('GetOrderPrice', { accountId: '2000345678', instrumentId: 'BBG00HYXLFQ7', price: { units: '1000', nano: 0 }, direction: 'ORDER_DIRECTION_BUY', quantity: '1' });
    expect(bond.body['extraBond']).toEqual({ aciValue: { currency: 'rub', units: '12', nano: 370000000 }, nominalConversionRate: { units: '1', nano: 0 } });
    expect(bond.body['totalOrderAmount']).toEqual({ currency: 'rub', units: '1012', nano: 870000000 });
  });

  it('GetOrderPrice without a price is 30017; GetMaxLots without one counts at the best ask', async () => {
    const missing = await tinkoffCall('GetOrderPrice', { accountId: '2000345678', instrumentId: 'BBG004730N88', direction: 'ORDER_DIRECTION_BUY', quantity: '1' });
    expect(missing).toEqual({ status: 400, body: { code: 3, message: 'Missing parameter: `price`', description: 30017 } });
    const lots = await tinkoffCall('GetMaxLots', { accountId: '2008765432', instrumentId: 'BBG004730RP0' });
    // 1200 RUB free; GAZP's best ask 128.35 × 10 + 0.64 commission = 1284.14 a lot: none. 100 shares held: 10 lots.
    expect(lots.body).toEqual({
      currency: 'rub',
      buyLimits: { buyMoneyAmount: { units: '1200', nano: 0 }, buyMaxLots: '0', buyMaxMarketLots: '0' },
      buyMarginLimits: { buyMoneyAmount: { units: '1200', nano: 0 }, buyMaxLots: '0', buyMaxMarketLots: '0' },
      sellLimits: { sellMaxLots: '10' },
      sellMarginLimits: { sellMaxLots: '10' },
    });
    const cheaper = await tinkoffCall('GetMaxLots', { accountId: '2008765432', instrumentId: 'BBG004730RP0', price: { units: '110', nano: 0 } });
    expect(cheaper.body['buyLimits']['buyMaxLots']).toBe('1');
    expect(tinkoff.server.requestCount('OrdersService/GetMaxLots')).toBe(2);
  });
});

describe('ALOR', () => {
  it('estimate: the order evaluation with a bond accrued interest, the commission, the lots covered', async () => {
    const bond = await alorEstimate('estimate', { portfolio: 'D38291', ticker: 'RU000A0ZYEB1', exchange: 'MOEX', price: 100, lotQuantity: 2 });
    // 2 bonds at 100 % of 1000 RUB = 2000, + 2 × 12.37 accrued interest; commission 0.05 % of 2000.
    expect(bond.status).toBe(200);
    expect(bond.body).toMatchObject({ portfolio: 'D38291', ticker: 'RU000A0ZYEB1', exchange: 'MOEX', board: 'TQCB', orderEvaluation: 2024.74, commission: 1, buyPrice: null, isUnitedPortfolio: false });
    expect(bond.body.quantityToSell).toBe(15);
    expect(bond.body.quantityToSell).toBe(bond.body.notMarginQuantityToSell);
  });

  it('estimate/all answers a list; a budget caps the money and shows one lot price; another portfolio is 403, a bad body 400', async () => {
    const all = await alorEstimate('estimate/all', [
      { portfolio: 'D38292', ticker: 'GAZP', exchange: 'MOEX', price: 128.34, lotQuantity: 1, budget: 3000 },
      { portfolio: 'D38292', ticker: 'SNGS', exchange: 'MOEX', price: 24.355, lotQuantity: 1 },
    ]);
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(2);
    // 3000 RUB / (1283.4 + 0.6417 commission) = 2 lots; buyPrice is one lot: 1283.4.
    expect(all.body[0]).toMatchObject({ ticker: 'GAZP', quantityToBuy: 2, notMarginQuantityToBuy: 2, buyPrice: 1283.4, orderEvaluation: 1283.4, commission: 0.6417 });
    expect(all.body[1]).toMatchObject({ ticker: 'SNGS', orderEvaluation: 2435.5, commission: 1.21775, quantityToSell: 10 });
    expect((await alorEstimate('estimate', { portfolio: 'D99999', ticker: 'SBER', exchange: 'MOEX', price: 1, lotQuantity: 1 })).status).toBe(403);
    expect((await alorEstimate('estimate', '{"portfolio":')).status).toBe(400);
    expect(alor.server.requestCount(alorRouteNames.estimateAll)).toBe(1);
  });
});
