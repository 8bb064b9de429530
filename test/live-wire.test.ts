import { describe, expect, it } from 'vitest';
import { alorDataEvent } from '../src/brokers/alor/streams/market-data.js';
import { alorExchange, alorSymbol } from '../src/brokers/alor/identifiers.js';
import { readMarketDataFrame } from '../src/brokers/tinkoff/streams/market-data.js';
import { parseJsonExact } from '../src/brokers/json.js';

/**
 * The stream frames as the brokers write them (trimmed from tinvest-v2/ws/README.md and ALOR's
 * `ws_*_Simple` examples), read by the stream protocols: the quirks the simulators may not show
 * on every run — an omitted side of a book, a price a double cannot hold, an acknowledgement's
 * refusals, the error frame before a close.
 */

const gazpUid = '962e2a95-02a9-4171-abd7-aa198dbe643a';
const carriesGazp = (key: string) => key === `orderbook|${gazpUid}` || key === 'lastPrice|BBG004730RP0';

describe("T-Invest's MarketDataStream frames", () => {
  it('reads a book whose empty side is omitted (proto3 JSON), Quotations exact, matched by FIGI or uid', () => {
    const frame = `{"orderbook":{"figi":"BBG004730RP0","depth":10,"isConsistent":true,
      "bids":[{"price":{"units":"178","nano":970000000},"quantity":"20"},{"price":{"units":"0","nano":1},"quantity":"3"}],
      "time":"2023-05-16T08:54:00.549662Z","instrumentUid":"${gazpUid}","orderBookType":"ORDERBOOK_TYPE_EXCHANGE"}}`;
    const [inbound] = readMarketDataFrame(frame, carriesGazp, 'tbank');
    expect(inbound).toEqual({
      type: 'event',
      key: `orderbook|${gazpUid}`,
      event: {
        kind: 'orderbook',
        depth: 10,
        book: {
          instrument: { key: 'BBG004730RP0', figi: 'BBG004730RP0' },
          bids: [
            { price: '178.97', quantity: '20' },
            { price: '0.000000001', quantity: '3' },
          ],
          asks: [],
          lastPrice: null,
          asOf: '2023-05-16T08:54:00.549662Z',
        },
      },
    });
  });

  it('reads a last price, and says nothing of a topic the stream does not carry', () => {
    const frame = '{"lastPrice":{"figi":"BBG004730RP0","price":{"units":"178","nano":790000000},"time":"2023-05-16T08:49:31.085056Z","instrumentUid":"x"}}';
    expect(readMarketDataFrame(frame, carriesGazp, 'tbank')).toMatchObject([{ key: 'lastPrice|BBG004730RP0', event: { update: { price: '178.79', asOf: '2023-05-16T08:49:31.085056Z' } } }]);
    expect(readMarketDataFrame(frame, () => false, 'tbank')).toEqual([]);
  });

  it("maps an acknowledgement's refusals per instrument, and ignores successes and the answer to an unsubscribe", () => {
    const entry = (status: string) => ({ figi: 'BBG004730RP0', depth: 10, subscriptionStatus: status, instrumentUid: gazpUid });
    const frame = (status: string) => JSON.stringify({ subscribeOrderBookResponse: { trackingId: 'x', orderBookSubscriptions: [entry(status)] } });
    const codeOf = (status: string) => readMarketDataFrame(frame(status), carriesGazp, 'tbank').map((inbound) => (inbound.type === 'refused' ? inbound.error.code : inbound.type));
    expect(codeOf('SUBSCRIPTION_STATUS_SUCCESS')).toEqual([]);
    expect(codeOf('SUBSCRIPTION_STATUS_SUBSCRIPTION_NOT_FOUND')).toEqual([]);
    expect(codeOf('SUBSCRIPTION_STATUS_INSTRUMENT_NOT_FOUND')).toEqual(['NOT_FOUND']);
    expect(codeOf('SUBSCRIPTION_STATUS_LIMIT_IS_EXCEEDED')).toEqual(['RATE_LIMITED']);
    expect(codeOf('SUBSCRIPTION_STATUS_TOO_MANY_REQUESTS')).toEqual(['RATE_LIMITED']);
    expect(codeOf('SUBSCRIPTION_STATUS_SOMETHING_NEW')).toEqual(['UPSTREAM_REJECTED']);
  });

  it('takes the error frame before a close for what it is: not a sign the stream works', () => {
    expect(readMarketDataFrame('{"code":8,"message":"80001"}', carriesGazp, 'tbank')).toEqual([{ type: 'ending' }]);
  });
});

describe("ALOR's /ws data frames", () => {
  const address = { exchange: alorExchange.parse('MOEX', 'exchange', 'alor'), symbol: alorSymbol.parse('SBER', 'symbol', 'alor') };

  it('reads a book losslessly (JSON numbers a double cannot hold), a null side as empty, volumes as lots', () => {
    const data = (parseJsonExact('{"data":{"snapshot":true,"bids":[{"price":257.70000000000000012,"volume":157}],"asks":null,"timestamp":1702631123,"ms_timestamp":1702631123780,"existing":true},"guid":"g"}') as { data: unknown }).data;
    expect(alorDataEvent({ kind: 'orderbook', address, depth: 20 }, data)).toEqual({
      kind: 'orderbook',
      depth: 20,
      book: {
        instrument: { key: 'MOEX:SBER', ticker: 'SBER', exchange: 'MOEX' },
        bids: [{ price: '257.70000000000000012', quantity: '157' }],
        asks: [],
        lastPrice: null,
        asOf: '2023-12-15T09:05:23.780Z',
      },
    });
  });

  it('reads a quote as a last price, and a quote without one as nothing', () => {
    const quote = (fields: string) => (parseJsonExact(`{"data":{"symbol":"SBER","exchange":"MOEX",${fields},"ask":272,"bid":271.99},"guid":"g"}`) as { data: unknown }).data;
    expect(alorDataEvent({ kind: 'lastPrice', address, depth: 1 }, quote('"last_price":272.10,"last_price_timestamp":1703844426'))).toEqual({
      kind: 'lastPrice',
      update: { instrument: { key: 'MOEX:SBER', ticker: 'SBER', exchange: 'MOEX' }, price: '272.1', asOf: '2023-12-29T10:07:06.000Z' },
    });
    expect(alorDataEvent({ kind: 'lastPrice', address, depth: 1 }, quote('"last_price":null'))).toBeUndefined();
  });
});
