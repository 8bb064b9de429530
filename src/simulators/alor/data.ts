import Big from 'big.js';

/**
 * The ALOR simulator's seeded world: one client (login P038291) with two agreements, each with a
 * stock (D…), an FX (G…) and a derivatives (75…) portfolio as ALOR issues them. The two stock
 * portfolios hold shares, a bond and roubles; today's session has a filled order, a working
 * order, a partially filled working order and a cancelled one; the main portfolio has more than
 * a thousand past-session trades so that history paging is exercised.
 *
 * Prices are decimal strings on each instrument's price step (SNGS trades in 0.005 RUB, the bond
 * in 0.01 % of its 1000 RUB face value), so exact decimals survive only if nobody uses floats.
 */

export interface SimulatedInstrument {
  symbol: string;
  exchange: 'MOEX' | 'SPBX';
  board: string;
  shortname: string;
  description: string;
  market: 'FOND' | 'CURR' | 'FORTS' | 'SPBX';
  type: string;
  lotsize: number;
  facevalue: string;
  cfiCode: string;
  cancellation: string;
  /** Price step in price units (RUB for shares, % of face value for bonds). */
  minstep: string;
  /** The value of one `minstep` in the settlement currency, per unit. */
  pricestep: string;
  priceMin: string;
  priceMax: string;
  currency: string;
  isin: string;
  /** Bond yield to maturity, %; null for shares. */
  yield: string | null;
  /** 17 = normal trading (ALOR's `tradingStatus`). */
  tradingStatus: number;
  tradingStatusInfo: string;
  complexProductCategory: string;
  rating: number;
  lastPrice: string;
  previousClose: string;
  openPrice: string;
  highPrice: string;
  lowPrice: string;
  /** Units traded today on the exchange. */
  volumeToday: number;
  /** Accrued coupon interest per unit (RUB); 0 for shares. */
  accruedInterest: string;
}

const normalTrading = { tradingStatus: 17, tradingStatusInfo: 'нормальный период торгов', complexProductCategory: '' };

export const instruments: SimulatedInstrument[] = [
  {
    symbol: 'SBER', exchange: 'MOEX', board: 'TQBR', shortname: 'Сбербанк', description: 'Сбербанк России ПАО ао',
    market: 'FOND', type: 'CS', lotsize: 10, facevalue: '3', cfiCode: 'ESXXXX', cancellation: '2050-01-01T00:00:00.0000000',
    minstep: '0.01', pricestep: '0.01', priceMin: '275.81', priceMax: '337.09', currency: 'RUB', isin: 'RU0009029540',
    yield: null, ...normalTrading, rating: 195613886, lastPrice: '306.45', previousClose: '304.12', openPrice: '304.5',
    highPrice: '307.8', lowPrice: '303.91', volumeToday: 15237560, accruedInterest: '0',
  },
  {
    symbol: 'GAZP', exchange: 'MOEX', board: 'TQBR', shortname: 'ГАЗПРОМ ао', description: 'Газпром ПАО ао',
    market: 'FOND', type: 'CS', lotsize: 10, facevalue: '5', cfiCode: 'ESXXXX', cancellation: '2050-01-01T00:00:00.0000000',
    minstep: '0.01', pricestep: '0.01', priceMin: '115.51', priceMax: '141.17', currency: 'RUB', isin: 'RU0007661625',
    yield: null, ...normalTrading, rating: 87210455, lastPrice: '128.34', previousClose: '129.02', openPrice: '128.9',
    highPrice: '129.47', lowPrice: '127.86', volumeToday: 31877020, accruedInterest: '0',
  },
  {
    symbol: 'SNGS', exchange: 'MOEX', board: 'TQBR', shortname: 'Сургнфгз', description: 'Сургутнефтегаз ПАО ао',
    market: 'FOND', type: 'CS', lotsize: 100, facevalue: '1', cfiCode: 'ESXXXX', cancellation: '2050-01-01T00:00:00.0000000',
    minstep: '0.005', pricestep: '0.005', priceMin: '21.92', priceMax: '26.79', currency: 'RUB', isin: 'RU0008926258',
    yield: null, ...normalTrading, rating: 20544871, lastPrice: '24.355', previousClose: '24.21', openPrice: '24.225',
    highPrice: '24.4', lowPrice: '24.18', volumeToday: 58120300, accruedInterest: '0',
  },
  {
    symbol: 'RU000A0ZYEB1', exchange: 'MOEX', board: 'TQCB', shortname: 'ТрансФин1P4', description: 'ТрансФин-М ПАО 001Р-04',
    market: 'FOND', type: 'CORP', lotsize: 1, facevalue: '1000', cfiCode: 'DBXXXX', cancellation: '2027-09-22T00:00:00.0000000',
    minstep: '0.01', pricestep: '0.1', priceMin: '90.14', priceMax: '110.16', currency: 'RUB', isin: 'RU000A0ZYEB1',
    yield: '14.87', ...normalTrading, rating: 3120544, lastPrice: '100.15', previousClose: '100.02', openPrice: '100.05',
    highPrice: '100.2', lowPrice: '99.97', volumeToday: 4120, accruedInterest: '12.37',
  },
];

export const symbols = { sber: 'SBER', gazp: 'GAZP', sngs: 'SNGS', bond: 'RU000A0ZYEB1' } as const;

/** The login the refresh tokens belong to, and its agreements and portfolios (JWT claims). */
export const client = {
  login: 'P038291',
  clientId: '5038291',
  ein: '38291',
  agreements: ['3829101', '3829102'],
  portfolios: ['D38291', 'G38291', '7502I8Y', 'D38292', 'G38292', '7502I8Z'],
} as const;

export interface SeedHolding {
  symbol: string;
  /** Units held when today's session opened. */
  units: number;
  averagePrice: string;
}

/** Holdings and roubles at the start of today's session; today's seeded fills are applied on top. */
export const openingBalances: Record<string, { cash: string; holdings: SeedHolding[] }> = {
  D38291: {
    cash: '152340.77',
    holdings: [
      { symbol: 'SBER', units: 200, averagePrice: '268.4213' },
      { symbol: 'GAZP', units: 300, averagePrice: '161.07' },
      { symbol: 'SNGS', units: 500, averagePrice: '25.115' },
      { symbol: 'RU000A0ZYEB1', units: 15, averagePrice: '98.76' },
    ],
  },
  D38292: {
    cash: '4890.1',
    holdings: [
      { symbol: 'GAZP', units: 100, averagePrice: '155.2' },
      { symbol: 'RU000A0ZYEB1', units: 40, averagePrice: '99.5' },
      { symbol: 'SNGS', units: 1000, averagePrice: '23.885' },
    ],
  },
};

export interface SeedOrder {
  id: string;
  portfolio: string;
  symbol: string;
  type: 'limit' | 'market';
  side: 'buy' | 'sell';
  lots: number;
  /** Limit price; market orders carry none. */
  price?: string;
  comment: string | null;
  /** Minutes before the simulator started. */
  placedMinutesAgo: number;
  /** Fills that happened earlier today: lots at a price, minutes before start. */
  fills: Array<{ lots: number; price: string; minutesAgo: number }>;
  finalStatus: 'working' | 'filled' | 'canceled';
}

export const seedOrders: SeedOrder[] = [
  // SNGS sold out at the open: the closed position (qty 0) stays listed for the rest of the session.
  { id: '41423837001', portfolio: 'D38291', symbol: 'SNGS', type: 'market', side: 'sell', lots: 5, comment: null, placedMinutesAgo: 180, fills: [{ lots: 5, price: '24.23', minutesAgo: 180 }], finalStatus: 'filled' },
  { id: '41423837024', portfolio: 'D38291', symbol: 'SBER', type: 'limit', side: 'buy', lots: 5, price: '305.5', comment: 'Докупка', placedMinutesAgo: 150, fills: [{ lots: 2, price: '305.5', minutesAgo: 121 }], finalStatus: 'working' },
  { id: '41423837102', portfolio: 'D38291', symbol: 'GAZP', type: 'limit', side: 'sell', lots: 3, price: '135', comment: 'Приказ на продажу', placedMinutesAgo: 95, fills: [], finalStatus: 'working' },
  { id: '41423837150', portfolio: 'D38291', symbol: 'RU000A0ZYEB1', type: 'limit', side: 'buy', lots: 10, price: '99.5', comment: null, placedMinutesAgo: 80, fills: [], finalStatus: 'canceled' },
  { id: '41423837233', portfolio: 'D38292', symbol: 'SNGS', type: 'limit', side: 'buy', lots: 1, price: '24.1', comment: null, placedMinutesAgo: 60, fills: [], finalStatus: 'working' },
];

/** Broker fee per trade: 0.05 % of the trade's volume, kept to 5 decimals as ALOR reports it. */
export const commissionRate = '0.0005';

export interface SimulatedTrade {
  id: string;
  orderId: string;
  portfolio: string;
  exchange: string;
  symbol: string;
  board: string;
  /** Epoch milliseconds. */
  date: number;
  units: number;
  lots: number;
  price: string;
  /** Accrued interest paid or received for all units (bonds). */
  accruedInterest: string;
  side: 'buy' | 'sell';
  commission: string;
  /** price × units in the settlement currency, without accrued interest. */
  volume: string;
  comment: string | null;
}

export function findInstrument(exchange: string, symbol: string): SimulatedInstrument | undefined {
  return instruments.find((instrument) => instrument.exchange === exchange && instrument.symbol === symbol);
}

/** Settlement-currency value of `units` at `price` (a bond's price is % of face value). */
export function valueOf(instrument: SimulatedInstrument, price: Big.BigSource, units: Big.BigSource): Big {
  return new Big(price).times(instrument.pricestep).div(instrument.minstep).times(units);
}

export function commissionFor(volume: Big): Big {
  return volume.times(commissionRate).round(5, Big.roundHalfUp);
}

/**
 * Past sessions' trades for one portfolio: `count` rows over consecutive weekdays from
 * `firstDay`, five per day, ids ascending with the date (as ALOR's trade numbers are).
 * Integer arithmetic only — the same rows on every run and every machine.
 */
export function historyTrades(portfolio: string, count: number, firstDay: string, firstId: number): SimulatedTrade[] {
  const rows: SimulatedTrade[] = [];
  const day = new Date(`${firstDay}T00:00:00.000Z`);
  const cycle = [symbols.sber, symbols.gazp, symbols.sngs, symbols.sber, symbols.bond, symbols.gazp];
  for (let index = 0; index < count; index += 1) {
    if (index > 0 && index % 5 === 0) {
      do day.setUTCDate(day.getUTCDate() + 1);
      while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
    }
    const instrument = findInstrument('MOEX', cycle[(index * 7) % cycle.length]!)!;
    const lots = 1 + ((index * 13) % 9);
    const units = lots * instrument.lotsize;
    // Up to ±600 price steps around the seeded previous close, on the step by construction.
    const steps = ((index * 7919) % 1201) - 600;
    const price = new Big(instrument.previousClose).plus(new Big(instrument.minstep).times(steps));
    const volume = valueOf(instrument, price, units);
    const accruedInterest = new Big(instrument.accruedInterest).times(units).times((index % 7) + 1).div(7).round(2, Big.roundHalfUp);
    const minutes = 7 * 60 + (index % 5) * 97 + (index % 13);
    rows.push({
      id: String(firstId + index * 3 + (index % 3)),
      orderId: String(40000000000 + firstId % 1000000 + index * 5),
      portfolio,
      exchange: 'MOEX',
      symbol: instrument.symbol,
      board: instrument.board,
      date: day.getTime() + minutes * 60_000 + (index % 59) * 1000,
      units,
      lots,
      price: price.toFixed(),
      accruedInterest: accruedInterest.toFixed(),
      side: index % 3 === 0 ? 'sell' : 'buy',
      commission: commissionFor(volume).toFixed(),
      volume: volume.toFixed(),
      comment: null,
    });
  }
  return rows;
}

/** 1240 rows for the main portfolio (2024), 25 for the IIS one. */
export function seedHistory(): SimulatedTrade[] {
  return [...historyTrades('D38291', 1240, '2024-01-09', 8800000000), ...historyTrades('D38292', 25, '2024-03-04', 8900000000)];
}
