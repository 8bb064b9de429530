import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditLog, type AuditEntry } from '../src/auth/audit-log.js';
import { startAuditRetention } from '../src/auth/audit-retention.js';
import { silentLogger } from '../src/logger.js';
import { openDatabase } from '../src/storage/database.js';
import { runCliInProcess } from './support/cli.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';
import { temporaryDirectory } from './support/temporary-directory.js';

/**
 * The audit log is evidence: what a client sends cannot forge or bury rows when an operator reads
 * it (`brokerql audit`), cannot make a row any size it likes, and old rows do not pile up forever.
 */

const directory = temporaryDirectory('brokerql-audit');
const escape = '\u001b';
const rightToLeftOverride = '\u202e';
/** A line that, printed raw, would end the row, colour the terminal red and fake a second row. */
const forgedLine = `x${escape}[31m\r\n2030-01-01T00:00:00.000Z  admin (root)  placeOrder  tbank:2000345678  ${rightToLeftOverride}gnp.exe`;

describe('rows written through GraphQL and printed by brokerql audit', () => {
  let stack: Stack;
  let config: string;
  beforeAll(async () => {
    const dataDir = path.join(directory, 'data');
    stack = await startStack({ dataDir });
    config = path.join(directory, 'audit.yaml');
    writeFileSync(config, `dataDir: ${dataDir}\n`);
  });
  afterAll(() => stack.close());

  it('keeps a refused mutation\'s oversized fields to a capped length, marked as truncated', async () => {
    const accountId = `tbank:${'9'.repeat(5_000)}`;
    const key = `k${'y'.repeat(20_000)}`;
    const result = await graphql(
      stack.gateway,
      'mutation ($accountId: ID!, $key: String) { placeOrder(input: { accountId: $accountId, instrument: { figi: "BBG004730N88" }, side: BUY, type: MARKET, lots: 1, idempotencyKey: $key }) { id } }',
      { token: stack.readToken, variables: { accountId, key } },
    );
    expect(result.errors![0]!.extensions['code']).toBe('FORBIDDEN');
    const [row] = stack.gateway.audit.recent(1);
    expect(row!.accountId!.length).toBeLessThan(200);
    expect(row!.accountId).toMatch(/^tbank:9+… \[truncated: 5006 characters\]$/);
    expect(row!.idempotencyKey!.length).toBeLessThan(200);
    expect(row!.idempotencyKey).toMatch(/^ky+… \[truncated: 20001 characters\]$/);
    // What fits is kept as it was sent.
    expect(row!.instrument).toBe('figi:BBG004730N88');
  });

  it('prints control characters, escapes and bidi overrides escaped, one row per line', async () => {
    const before = stack.gateway.audit.recent(100).length;
    await graphql(
      stack.gateway,
      'mutation ($key: String, $orderId: ID!) { a: cancelOrder(accountId: "tbank:2000345678", orderId: $orderId) { id } b: placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, type: MARKET, lots: 1, idempotencyKey: $key }) { id } }',
      { token: stack.readToken, variables: { key: forgedLine, orderId: forgedLine } },
    );
    const rows = stack.gateway.audit.recent(100);
    expect(rows.length).toBeGreaterThan(before);
    // Stored as sent: the log keeps the evidence, the printer makes it harmless.
    expect(rows.some((row) => row.idempotencyKey === forgedLine || row.orderId === forgedLine)).toBe(true);

    const printed = await runCliInProcess(['audit', '--limit', '100', '--config', config]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).not.toContain(escape);
    expect(printed.stdout).not.toContain('\r');
    expect(printed.stdout).not.toContain(rightToLeftOverride);
    expect(printed.stdout.trimEnd().split('\n')).toHaveLength(rows.length + 1);
    expect(printed.stdout).toContain(String.raw`x\u001b[31m\r\n2030-01-01T00:00:00.000Z`);
    expect(printed.stdout).toContain(String.raw`\u202egnp.exe`);
  });
});

describe('retention (audit.retentionDays)', () => {
  const entry: AuditEntry = {
    tokenId: 'abc',
    tokenName: 'bot',
    mutation: 'placeOrder',
    accountId: 'tbank:1',
    instrument: 'figi:X',
    side: 'BUY',
    type: 'MARKET',
    lots: 1,
    price: null,
    idempotencyKey: null,
    orderId: null,
    outcome: 'ok',
    brokerOrderId: '1',
    errorCode: null,
    message: null,
  };
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

  it('drops rows older than the retention when a gateway starts, and keeps the rest', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'brokerql-retention-'));
    const database = openDatabase(dataDir);
    for (const age of [500, 401, 399, 10]) new AuditLog(database, undefined, () => daysAgo(age)).record({ ...entry, brokerOrderId: String(age) });
    database.close();

    const stack = await startStack({ dataDir });
    try {
      await vi.waitFor(() => expect(stack.gateway.audit.recent(10).map((row) => row.brokerOrderId)).toEqual(['10', '399']));
    } finally {
      await stack.close();
    }
    const shorter = await startStack({ dataDir, audit: { retentionDays: 30 } });
    try {
      await vi.waitFor(() => expect(shorter.gateway.audit.recent(10).map((row) => row.brokerOrderId)).toEqual(['10']));
    } finally {
      await shorter.close();
    }
  });

  describe('while serving', () => {
    afterEach(() => vi.useRealTimers());

    it('prunes once a day', async () => {
      vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
      const database = openDatabase(mkdtempSync(path.join(tmpdir(), 'brokerql-retention-')));
      const audit = new AuditLog(database);
      audit.record(entry);
      const prunes: number[] = [];
      let nextPrune = () => {};
      const stop = startAuditRetention({ audit, retentionDays: 1, logger: silentLogger(), onPruned: (count) => (prunes.push(count), nextPrune()) });
      const prunedAfter = async (milliseconds: number) => {
        const done = new Promise<void>((resolve) => (nextPrune = resolve));
        vi.advanceTimersByTime(milliseconds);
        await done;
      };
      try {
        await vi.waitFor(() => expect(prunes).toEqual([0]));
        // A day on, the row is exactly a day old: still within a day's retention.
        await prunedAfter(86_400_000);
        expect(audit.recent(10)).toHaveLength(1);
        await prunedAfter(86_400_000);
        expect(audit.recent(10)).toHaveLength(0);
        expect(prunes).toEqual([0, 0, 1]);
      } finally {
        stop();
        database.close();
      }
    });
  });
});
