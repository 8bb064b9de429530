import { AuditLog } from '../auth/audit-log.js';
import { openDatabase } from '../storage/database.js';
import { loadCliConfig, parseCommandLine, UsageError, type CommandEnvironment } from './common.js';
import { formatTable } from './table.js';

export async function auditCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: { limit: { type: 'string' }, config: { type: 'string' } },
    allowPositionals: false,
  });
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UsageError(`--limit must be a whole number from 1 to 100000, received "${values.limit}"`);
  const config = loadCliConfig(values, environment, { needsConnections: false });
  const database = openDatabase(config.dataDir);
  try {
    const rows = new AuditLog(database).recent(limit);
    if (rows.length === 0) {
      environment.stderr.write('the audit log is empty: no trading mutation has been attempted yet\n');
      return 0;
    }
    environment.stdout.write(
      formatTable(
        ['TIME', 'TOKEN', 'MUTATION', 'ACCOUNT', 'INSTRUMENT', 'SIDE', 'TYPE', 'LOTS', 'PRICE', 'KEY', 'OUTCOME', 'BROKER ORDER', 'ERROR'],
        rows.map((row) => [
          row.time,
          row.tokenName === null || row.tokenId === null ? (row.tokenName ?? row.tokenId) : `${row.tokenName} (${row.tokenId})`,
          row.mutation,
          row.accountId,
          row.instrument ?? (row.orderId === null ? null : `order ${row.orderId}`),
          row.side,
          row.type,
          row.lots === null ? null : String(row.lots),
          row.price,
          row.idempotencyKey,
          row.outcome,
          row.brokerOrderId,
          row.rule ? `${row.errorCode} (${row.rule})` : row.errorCode,
        ]),
      ),
    );
  } finally {
    database.close();
  }
  return 0;
}
