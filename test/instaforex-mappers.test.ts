import { describe, expect, it } from 'vitest';
import { readPasskey } from '../src/brokers/instaforex/client.js';
import { mapInstaforexError } from '../src/brokers/instaforex/map-instaforex-error.js';
import { instaforexInstrument, normalizeSymbol, symbolTraits } from '../src/brokers/instaforex/map-instaforex-instrument.js';
import { mapInstaforexOperation } from '../src/brokers/instaforex/map-instaforex-operation.js';
import { mapInstaforexOrder } from '../src/brokers/instaforex/map-instaforex-order.js';
import { mapInstaforexPortfolio, mapInstaforexPosition } from '../src/brokers/instaforex/map-instaforex-portfolio.js';
import { recordDigits, roundPrice } from '../src/brokers/instaforex/prices.js';
import { parseInstaforexTime } from '../src/brokers/instaforex/time.js';
import { balanceSchema, lowerCaseKeys, tradeRecordSchema, type TradeRecord } from '../src/brokers/instaforex/wire.js';
import { parseJsonExact } from '../src/brokers/json.js';

/** Upstream text as the adapter reads it: exact numbers, keys in any case. */
function wire(text: string): unknown {
  return lowerCaseKeys(parseJsonExact(text));
}
const trade = (text: string): TradeRecord => tradeRecordSchema.parse(wire(text));
const balance = (text: string) => balanceSchema.parse(wire(text));

const eurusdBuy = trade(
  '{"Ticket":48213377,"Login":2100123,"Symbol":"EURUSD","Cmd":0,"Volume":0.10,"OpenTime":1714644900,"OpenPrice":1.07123,' +
    '"Sl":1.06500,"Tp":1.08000,"ClosePrice":1.07041,"Commission":-0.70,"Swap":-0.42,"Profit":-8.20,"Comment":""}',
);

describe('InstaForex passkey body', () => {
  it.each([
    ['a JSON string literal', '"0123456789abcdef0123456789abcdef"', '0123456789abcdef0123456789abcdef'],
    ['a bare token', '0123456789abcdef0123456789abcdef\r\n', '0123456789abcdef0123456789abcdef'],
    ['null (refused credentials)', 'null', null],
    ['nothing (refused credentials)', '  ', null],
    ['an empty string literal', '""', null],
    ['a string that cannot be a header value', '"abc\\ndef"', undefined],
    ['a broken literal', '"abc', undefined],
  ])('reads %s', (_label, body, expected) => {
    expect(readPasskey(body)).toBe(expected);
  });
});

describe('InstaForex times', () => {
  it.each([
    ['unix seconds', '1714644900', '2024-05-02T10:15:00Z'],
    ['unix seconds written as a double', '1714644900.0', '2024-05-02T10:15:00Z'],
    ['Json.NET ISO without a zone, meant as UTC', '2024-05-02T10:15:00', '2024-05-02T10:15:00Z'],
    ['ISO with .NET seven-digit fractions', '2024-05-02T10:15:00.1234567', '2024-05-02T10:15:00.123Z'],
    ['ISO with an offset', '2024-05-02T13:15:00+03:00', '2024-05-02T10:15:00Z'],
    ['ISO with a compact offset', '2024-05-02T13:15:00+0300', '2024-05-02T10:15:00Z'],
    ["MT4's unset time", '0', null],
    ['text that is no time', 'yesterday', undefined],
  ])('reads %s', (_label, text, expected) => {
    expect(parseInstaforexTime(text)).toBe(expected);
  });
});

describe('InstaForex wire records', () => {
  it('matches field names in any case and reads numbers exactly', () => {
    const record = trade('{"TICKET":1,"symbol":"eurusd","cMD":"1","VOLUME":"0.30","openTIME":"2024-05-02T10:15:00","OpenPrice":1.0712300000000001}');
    expect(record).toMatchObject({ ticket: '1', symbol: 'eurusd', cmd: 1, volume: '0.3', opentime: '2024-05-02T10:15:00Z' });
    expect(record.openprice).toBe('1.0712300000000001');
    expect(record).toMatchObject({ closeprice: '0', profit: '0', closetime: null });
  });

  it('accepts the alternative MT4 names Order (ticket) and Lots (volume), and nulls for unset values', () => {
    const record = trade('{"Order":77,"Symbol":null,"Cmd":6,"Lots":0.0,"Sl":null,"OpenTime":0,"Profit":50.0}');
    expect(record).toMatchObject({ ticket: '77', symbol: '', volume: '0', sl: '0', opentime: null, profit: '50' });
  });

  it('refuses a record without a ticket or with an unreadable time', () => {
    expect(tradeRecordSchema.safeParse(wire('{"Symbol":"EURUSD","Cmd":0}')).success).toBe(false);
    expect(tradeRecordSchema.safeParse(wire('{"Ticket":1,"Cmd":0,"OpenTime":"soon"}')).success).toBe(false);
  });

  it('reads a balance object in any case, or a bare number', () => {
    expect(balance('{"balance":1520.35,"EQUITY":1498.12,"currency":"usd"}')).toEqual({ balance: '1520.35', equity: '1498.12', currency: 'usd' });
    expect(balance('1520.35')).toEqual({ balance: '1520.35' });
  });
});

describe('InstaForex float-widened prices', () => {
  it.each([
    ['EURUSD', '1.2387299537658691', '1.23873'],
    ['USDJPY', '157.51199340820312', '157.512'],
    ['XAUUSD', '2019.8399658203125', '2019.84'],
    // An unknown symbol gets 5 digits, and never more than a float32 holds at this magnitude.
    ['#AAPL', '189.83999633789062', '189.84'],
    ['BTCUSD', '64123.44921875', '64123.45'],
  ])('rounds a %s price back to what was quoted', (symbol, widened, quoted) => {
    expect(roundPrice(widened, recordDigits(symbol, [widened]))).toBe(quoted);
  });

  it('leaves prices that are already quoted untouched', () => {
    expect(roundPrice('1.0712', 5)).toBe('1.0712');
    expect(roundPrice('2325.5', 2)).toBe('2325.5');
  });

  it('takes more digits than the symbol suggests when a clean price of the record has them', () => {
    expect(recordDigits('XAUUSD', ['2302.457', '2302.4499511718750', '0'])).toBe(3);
    expect(recordDigits('EURUSD', ['1.2387299537658691', '1.25'])).toBe(5);
  });
});

describe('InstaForex instruments', () => {
  it('tells currency pairs and metals from their symbol, and nothing about others', () => {
    expect(instaforexInstrument('EURUSD')).toEqual({
      key: 'EURUSD',
      ticker: 'EURUSD',
      figi: null,
      exchange: null,
      name: 'EUR/USD',
      type: 'forex',
      currency: 'USD',
      lotSize: null,
      minPriceIncrement: null,
    });
    expect(symbolTraits('XAUUSD')).toEqual({ type: 'metal', baseCurrency: 'XAU', quoteCurrency: 'USD' });
    expect(symbolTraits('USDCNH')).toMatchObject({ type: 'forex', quoteCurrency: 'CNH' });
    expect(instaforexInstrument('FOOBAR')).toMatchObject({ ticker: 'FOOBAR', type: null, currency: null, name: null });
    expect(instaforexInstrument('#AAPL')).toMatchObject({ ticker: '#AAPL', type: null, currency: null });
  });

  it('normalizes what a client typed, and refuses what cannot be a symbol', () => {
    expect(normalizeSymbol(' eurusd ')).toBe('EURUSD');
    expect(normalizeSymbol('#aapl')).toBe('#AAPL');
    expect(normalizeSymbol('EUR/USD')).toBeUndefined();
    expect(normalizeSymbol('')).toBeUndefined();
  });
});

describe('InstaForex portfolio', () => {
  it('maps a buy as a position in lots, with its prices in the quote currency and its full floating result', () => {
    expect(mapInstaforexPosition(eurusdBuy, 'USD')).toEqual({
      instrument: instaforexInstrument('EURUSD'),
      quantity: '0.1',
      lots: '0.1',
      averagePrice: { amount: '1.07123', currency: 'USD' },
      currentPrice: { amount: '1.07041', currency: 'USD' },
      // Profit -8.20 + Swap -0.42 + Commission -0.70: what closing now changes the balance by.
      expectedYield: { amount: '-9.32', currency: 'USD' },
      marketValue: null,
    });
  });

  it('signs a sell negative, rounds float-widened prices, and keeps the account currency for the result', () => {
    const sell = trade(
      '{"Ticket":48198765,"Symbol":"USDJPY","Cmd":1,"Volume":0.02,"OpenPrice":157.51199340820312,"ClosePrice":153.08900451660156,"Sl":0.0,"Tp":0.0,"Swap":0.30,"Profit":57.79}',
    );
    expect(mapInstaforexPosition(sell, 'EUR')).toMatchObject({
      quantity: '-0.02',
      lots: '-0.02',
      averagePrice: { amount: '157.512', currency: 'JPY' },
      currentPrice: { amount: '153.089', currency: 'JPY' },
      expectedYield: { amount: '58.09', currency: 'EUR' },
    });
  });

  it('gives a symbol of unknown quote currency no prices rather than a wrong currency', () => {
    const cfd = trade('{"Ticket":5,"Symbol":"#AAPL","Cmd":0,"Volume":1.0,"OpenPrice":189.83999633789062,"ClosePrice":190.5,"Profit":6.6}');
    expect(mapInstaforexPosition(cfd, 'USD')).toMatchObject({ averagePrice: null, currentPrice: null, expectedYield: { amount: '6.6' } });
  });

  it('builds the portfolio from balance and open trades; pending orders and odd rows are not positions', () => {
    const pending = trade('{"Ticket":48213502,"Symbol":"GBPUSD","Cmd":3,"Volume":0.05,"OpenPrice":1.258}');
    const balanceRow = trade('{"Ticket":9,"Symbol":"","Cmd":6,"Profit":100.0}');
    const portfolio = mapInstaforexPortfolio(
      balance('{"Balance":1520.35,"Credit":300.0,"Equity":1798.12,"Currency":"usd"}'),
      [eurusdBuy, pending, balanceRow],
      '2024-05-02T14:00:00Z',
    );
    expect(portfolio.positions.map((position) => position.instrument.key)).toEqual(['EURUSD']);
    expect(portfolio.cash).toEqual([{ amount: '1520.35', currency: 'USD' }]);
    expect(portfolio.valuation).toEqual({ amount: '1798.12', currency: 'USD' });
    expect(portfolio.asOf).toBe('2024-05-02T14:00:00Z');
  });

  it('reads a bare-number balance as cash in USD, with no valuation', () => {
    const portfolio = mapInstaforexPortfolio(balance('1520.35'), [], '2024-05-02T14:00:00Z');
    expect(portfolio).toMatchObject({ cash: [{ amount: '1520.35', currency: 'USD' }], valuation: null, positions: [] });
  });
});

describe('InstaForex pending orders', () => {
  it('maps a sell limit as an active LIMIT order at its price', () => {
    const order = mapInstaforexOrder(
      trade('{"Ticket":48213502,"Symbol":"GBPUSD","Cmd":3,"Volume":0.05,"OpenTime":1714652100,"OpenPrice":1.2580000162124634,"Sl":1.263,"Tp":1.25,"ClosePrice":0.0}'),
    );
    expect(order).toEqual({
      id: '48213502',
      instrument: instaforexInstrument('GBPUSD'),
      side: 'SELL',
      type: 'LIMIT',
      status: 'NEW',
      price: '1.258',
      requestedLots: '0.05',
      executedLots: '0',
      averageFillPrice: null,
      createdAt: '2024-05-02T12:15:00Z',
      message: null,
    });
  });

  it('maps stop orders as MARKET without a limit price, by side', () => {
    const buyStop = mapInstaforexOrder(trade('{"Ticket":48213610,"Symbol":"XAUUSD","Cmd":4,"Volume":0.01,"OpenPrice":2325.5}'));
    const sellStop = mapInstaforexOrder(trade('{"Ticket":48213611,"Symbol":"XAUUSD","Cmd":5,"Volume":0.01,"OpenPrice":2280.0}'));
    expect(buyStop).toMatchObject({ side: 'BUY', type: 'MARKET', price: null, status: 'NEW' });
    expect(sellStop).toMatchObject({ side: 'SELL', type: 'MARKET', price: null });
    expect(mapInstaforexOrder(trade('{"Ticket":8,"Symbol":"XAUUSD","Cmd":2,"Volume":0.01,"OpenPrice":2280.0}'))).toMatchObject({ side: 'BUY', type: 'LIMIT', price: '2280' });
  });

  it('is not an order when the trade is a market position', () => {
    expect(mapInstaforexOrder(eurusdBuy)).toBeNull();
  });
});

describe('InstaForex operations', () => {
  it('maps a closed trade by direction: realised profit + swap as payment, commission apart, dated at close', () => {
    const closed = trade(
      '{"Ticket":47139432,"Symbol":"EURUSD","Cmd":0,"Volume":0.05,"OpenTime":1705047200,"OpenPrice":1.0947999954223633,' +
        '"CloseTime":"2024-01-15T03:28:47","ClosePrice":1.0964899897575378,"Sl":0.0,"Tp":0.0,"Commission":-0.35,"Swap":-0.12,"Profit":8.45}',
    );
    expect(mapInstaforexOperation(closed, 'USD')).toEqual({
      id: '47139432',
      type: 'BUY',
      brokerType: 'OP_BUY',
      status: 'DONE',
      date: '2024-01-15T03:28:47Z',
      instrument: instaforexInstrument('EURUSD'),
      quantity: '0.05',
      price: '1.0948',
      payment: { amount: '8.33', currency: 'USD' },
      commission: { amount: '-0.35', currency: 'USD' },
    });
    const sell = trade('{"Ticket":2,"Symbol":"GBPUSD","Cmd":1,"Volume":0.2,"OpenPrice":1.27096,"CloseTime":1704814633,"ClosePrice":1.27115,"Swap":-1.45,"Profit":-3.80}');
    expect(mapInstaforexOperation(sell, 'USD')).toMatchObject({ type: 'SELL', brokerType: 'OP_SELL', payment: { amount: '-5.25' }, commission: null });
  });

  it.each([
    ['a deposit', '{"Ticket":1,"Symbol":"","Cmd":6,"OpenTime":1704445964,"CloseTime":1704445964,"Profit":1000.0}', 'DEPOSIT', 'OP_BALANCE', '1000'],
    ['a withdrawal', '{"Ticket":2,"Symbol":"","Cmd":6,"CloseTime":1712766069,"Profit":-250.0}', 'WITHDRAWAL', 'OP_BALANCE', '-250'],
    ['a credit (bonus)', '{"Ticket":3,"Symbol":"","Cmd":7,"CloseTime":1704445965,"Profit":300.0}', 'OTHER', 'OP_CREDIT', '300'],
    ['an unknown command', '{"Ticket":4,"Symbol":"","Cmd":9,"CloseTime":1704445965,"Profit":1.5}', 'OTHER', 'CMD_9', '1.5'],
  ])('maps %s by sign and command', (_label, text, type, brokerType, amount) => {
    const operation = mapInstaforexOperation(trade(text), 'USD');
    expect(operation).toMatchObject({ type, brokerType, status: 'DONE', instrument: null, quantity: null, price: null, payment: { amount, currency: 'USD' } });
  });

  it('shows a pending order deleted unfilled as a DECLINED buy or sell that paid nothing', () => {
    const deleted = trade('{"Ticket":5,"Symbol":"XAUUSD","Cmd":4,"Volume":0.01,"OpenPrice":2325.5,"CloseTime":1714730100,"Profit":0.0}');
    expect(mapInstaforexOperation(deleted, 'USD')).toMatchObject({ type: 'BUY', brokerType: 'OP_BUYSTOP', status: 'DECLINED', payment: { amount: '0' }, commission: null });
  });

  it('leaves out a row without any time', () => {
    expect(mapInstaforexOperation(trade('{"Ticket":6,"Cmd":6,"Profit":5.0}'), 'USD')).toBeNull();
  });
});

describe('InstaForex errors', () => {
  const call = { connection: 'ifx', login: '2100123', target: 'paths.openTrades ("client/RequestOpenTrades/{login}")' };
  const response = (status: number, text = '') => ({ status, headers: {}, text });

  it('says a configured path may be wrong on 404, without repeating the upstream URL', () => {
    const error = mapInstaforexError(
      response(404, '{"Message":"No HTTP resource was found that matches the request URI \'https://client-api.instaforex.com/client/RequestOpenTrades/2100123\'."}'),
      call,
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: false, connection: 'ifx', status: 404 });
    expect(error.message).toMatch(/paths\.openTrades .*client\/RequestOpenTrades\/\{login\}.*may be wrong/);
    expect(error.message).not.toContain('instaforex.com');
  });

  it.each([
    [401, 'UPSTREAM_AUTH', false],
    [403, 'UPSTREAM_AUTH', false],
    [400, 'UPSTREAM_UNAVAILABLE', false],
    [405, 'UPSTREAM_UNAVAILABLE', false],
    [429, 'RATE_LIMITED', true],
    [500, 'UPSTREAM_UNAVAILABLE', true],
    [503, 'UPSTREAM_UNAVAILABLE', true],
    [504, 'UPSTREAM_TIMEOUT', true],
  ])('maps HTTP %i to %s (retryable: %s)', (status, code, retryable) => {
    expect(mapInstaforexError(response(status), call)).toMatchObject({ code, retryable, connection: 'ifx' });
  });

  it('passes a 429\'s Retry-After on to the client', () => {
    const limited = mapInstaforexError({ status: 429, headers: { 'retry-after': '7' }, text: '' }, call);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 7 });
  });
});
