import { describe, expect, it } from 'vitest';
import { addressInNetworks } from '../src/auth/client-network.js';
import { parsePolicy, PolicyError } from '../src/trading/policy.js';
import { dayIn, withinTradingHours } from '../src/trading/trading-hours.js';

/** The policy document, its calendar (trading hours, "today" in a timezone) and allowFrom's networks. */

describe('the policy document', () => {
  it('fills the defaults and keeps amounts exact', () => {
    expect(parsePolicy({}, 'p')).toEqual({ currency: 'RUB', timezone: 'Europe/Moscow' });
    expect(parsePolicy({ maxOrderValue: 1234.56, maxDailyValue: '200000.10', currency: 'usd', tradingHours: { from: '10:00', to: '18:40', timezone: 'Asia/Tokyo' } }, 'p')).toEqual({
      currency: 'USD',
      timezone: 'Asia/Tokyo',
      maxOrderValue: '1234.56',
      maxDailyValue: '200000.1',
      tradingHours: { from: '10:00', to: '18:40', timezone: 'Asia/Tokyo', days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] },
    });
    expect(parsePolicy({ timezone: 'UTC', tradingHours: { from: '10:00', to: '11:00', timezone: 'Asia/Tokyo' } }, 'p').timezone).toBe('UTC');
  });

  it('refuses an unknown key by name, a float that is not the amount written, and a window of no length', () => {
    expect(() => parsePolicy({ maxOrders: 5 }, 'bot.yaml')).toThrow(new PolicyError('bot.yaml: maxOrders: unknown key'));
    expect(() => parsePolicy({ maxOrderValue: 1e21 }, 'p')).toThrow(/maxOrderValue: expected a positive amount/);
    expect(() => parsePolicy({ maxOrderValue: 0 }, 'p')).toThrow(/maxOrderValue: expected a positive amount/);
    expect(() => parsePolicy({ tradingHours: { from: '10:00', to: '10:00', timezone: 'UTC' } }, 'p')).toThrow(/tradingHours: from and to must differ/);
    expect(() => parsePolicy({ maxPositionLots: { SBER: 5 } }, 'p')).toThrow(/maxPositionLots\.SBER: /);
  });
});

describe('trading hours and days', () => {
  const weekdays = { from: '10:00', to: '18:40', timezone: 'Europe/Moscow', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as Array<'MON' | 'TUE' | 'WED' | 'THU' | 'FRI'> };

  it('reads the clock in the policy timezone: from inclusive, to exclusive', () => {
    // 2026-12-02 is a Wednesday; Moscow is UTC+3.
    expect(withinTradingHours(new Date('2026-12-02T07:00:00Z'), weekdays)).toBe(true);
    expect(withinTradingHours(new Date('2026-12-02T06:59:59Z'), weekdays)).toBe(false);
    expect(withinTradingHours(new Date('2026-12-02T15:39:59Z'), weekdays)).toBe(true);
    expect(withinTradingHours(new Date('2026-12-02T15:40:00Z'), weekdays)).toBe(false);
    expect(withinTradingHours(new Date('2026-12-05T09:00:00Z'), weekdays)).toBe(false);
  });

  it('a window across midnight belongs to the day it starts on', () => {
    const evening = { from: '19:00', to: '02:00', timezone: 'Europe/Moscow', days: ['FRI'] as Array<'FRI'> };
    // Friday 23:00 and Saturday 01:30 Moscow: in; Saturday 19:30 and Friday 01:30: out.
    expect(withinTradingHours(new Date('2026-12-04T20:00:00Z'), evening)).toBe(true);
    expect(withinTradingHours(new Date('2026-12-04T22:30:00Z'), evening)).toBe(true);
    expect(withinTradingHours(new Date('2026-12-05T16:30:00Z'), evening)).toBe(false);
    expect(withinTradingHours(new Date('2026-12-03T22:30:00Z'), evening)).toBe(false);
  });

  it('"today" turns at midnight in the policy timezone, daylight saving included', () => {
    expect(dayIn(new Date('2026-12-02T20:59:00Z'), 'Europe/Moscow')).toBe('2026-12-02');
    expect(dayIn(new Date('2026-12-02T21:00:00Z'), 'Europe/Moscow')).toBe('2026-12-03');
    // New York on summer time (UTC−4) and winter time (UTC−5).
    expect(dayIn(new Date('2026-07-01T03:59:00Z'), 'America/New_York')).toBe('2026-06-30');
    expect(dayIn(new Date('2026-12-01T04:59:00Z'), 'America/New_York')).toBe('2026-11-30');
  });
});

describe('allowFrom networks', () => {
  const networks = ['10.0.0.0/8', '127.0.0.1', '2001:db8::/32'];

  it('matches IPv4 and IPv6 networks, an IPv4 peer on a dual-stack socket, and nothing that is not an address', () => {
    expect(addressInNetworks('10.200.3.4', networks)).toBe(true);
    expect(addressInNetworks('11.0.0.1', networks)).toBe(false);
    expect(addressInNetworks('127.0.0.1', networks)).toBe(true);
    expect(addressInNetworks('127.0.0.2', networks)).toBe(false);
    expect(addressInNetworks('::ffff:10.1.1.1', networks)).toBe(true);
    expect(addressInNetworks('2001:db8:1::5', networks)).toBe(true);
    expect(addressInNetworks('2001:db9::5', networks)).toBe(false);
    expect(addressInNetworks('local', networks)).toBe(false);
    expect(addressInNetworks('10.0.0.1, 8.8.8.8', networks)).toBe(false);
  });
});
