import { randomUUID } from 'node:crypto';
import { UpstreamAuthError, UpstreamRejectedError } from '../../../errors.js';
import type { AccountStreamOptions, AccountStreams } from '../../../streams/accounts/account-streams.js';
import { openSocketGroup, type StreamControl } from '../../../streams/accounts/socket-group.js';
import { parseJsonExact } from '../../json.js';
import type { AccessToken } from '../access-token.js';
import type { AlorConnectionConfig } from '../config.js';
import { alorExchange, alorPortfolio } from '../identifiers.js';
import { alorLabel } from '../map-alor-error.js';
import { heldSecurityRows, mapAlorPortfolio, positionAddress } from '../map-alor-portfolio.js';
import type { SecurityDirectory } from '../security-directory.js';
import type { TokenKeeper } from '../token-keeper.js';
import { summaryResponseSchema } from '../wire.js';
import { alorAnswerSchema, alorCloseVerdict } from './market-data.js';
import { AlorPortfolioRows, streamOrderRowSchema, streamPositionRowSchema, streamTradeRowSchema } from './portfolio-rows.js';

/**
 * ALOR's account subscriptions on `/ws` (streams.md §2): for each portfolio of the connection one
 * `PositionsGetAndSubscribeV2` (securities and money, the rows of GET …/positions), one
 * `SummariesGetAndSubscribeV2` (the valuation, GET …/summary's), one `OrdersGetAndSubscribeV2`
 * and one `TradesGetAndSubscribeV2` (an order's fill price is its trades'). All on one socket of
 * the connection's own — the user may hold 10, market data takes `sockets` of them — opened when
 * the first account is followed, whatever the number of clients. Every request carries the current
 * access token; when it is due for renewal every subscription is sent again with the next one,
 * under the same guid (ALOR replaces a subscription whose guid it knows), and a request refused
 * with 401 gets one new token and is sent once more. ALOR pings nobody: brokerql sends WebSocket
 * pings. The socket counts as live once ALOR has acknowledged every subscription.
 *
 * The portfolio a change produces is built as the REST read builds it (mapAlorPortfolio, with the
 * same security directory), so it equals GET …/positions + …/summary field by field: positions
 * and cash from the positions rows, the valuation from the summary.
 */

const opcodes = ['PositionsGetAndSubscribeV2', 'SummariesGetAndSubscribeV2', 'OrdersGetAndSubscribeV2', 'TradesGetAndSubscribeV2'] as const;
type Opcode = (typeof opcodes)[number];

interface Subscription {
  portfolio: string;
  opcode: Opcode;
}

export function createAlorAccountStreams(config: AlorConnectionConfig, tokens: TokenKeeper, securities: SecurityDirectory, options: AccountStreamOptions): AccountStreams {
  const connection = config.id;
  const { sink } = options;
  const exchange = alorExchange.parse(config.exchange, 'exchange', connection);
  const portfolios = new Map(options.brokerAccountIds.map((id) => [id, new AlorPortfolioRows(exchange, connection)]));
  const byGuid = new Map<string, Subscription>();
  for (const id of portfolios.keys()) {
    // Checked before one goes into a request; ALOR's own token listed them.
    const portfolio = alorPortfolio.parse(id, 'accountId', connection);
    for (const opcode of opcodes) byGuid.set(randomUUID(), { portfolio, opcode });
  }
  /** Guids ALOR has acknowledged since the socket opened. */
  const acknowledged = new Set<string>();
  /** The token of the latest requests; and tokens brokerql got because ALOR refused the one before (refused too: give up). */
  let sentWith: AccessToken | undefined;
  const replacements = new WeakSet<AccessToken>();
  let replacing = false;
  /** Each portfolio's pushes, in order: building positions may wait for a security's details. */
  const chains = new Map<string, Promise<void>>();
  const inOrder = (portfolio: string, step: () => Promise<void>) => {
    const next = (chains.get(portfolio) ?? Promise.resolve()).then(step).catch((error: unknown) => options.observer?.unreadable?.(error));
    chains.set(portfolio, next);
  };

  const pushPositions = (portfolio: string, rows: AlorPortfolioRows) =>
    inOrder(portfolio, async () => {
      const all = rows.positionRows();
      const held = await securities.findAll(heldSecurityRows(all).map((row) => positionAddress(row, exchange)));
      const mapped = mapAlorPortfolio(all, undefined, exchange, held, new Date().toISOString());
      sink.portfolio(portfolio, { positions: mapped.positions, cash: mapped.cash, asOf: mapped.asOf });
    });

  const readData = (subscription: Subscription, data: unknown) => {
    const { portfolio, opcode } = subscription;
    const rows = portfolios.get(portfolio)!;
    const observe = (order: ReturnType<AlorPortfolioRows['order']>) => {
      if (order) inOrder(portfolio, async () => sink.order(portfolio, { order, requestId: null, asOf: new Date().toISOString(), source: 'STREAM' }));
    };
    if (opcode === 'PositionsGetAndSubscribeV2') {
      if (rows.position(streamPositionRowSchema.parse(data))) pushPositions(portfolio, rows);
    } else if (opcode === 'SummariesGetAndSubscribeV2') {
      // One row, always whole: the first is as good as any change.
      const value = summaryResponseSchema.parse(data).portfolioLiquidationValue;
      inOrder(portfolio, async () => sink.portfolio(portfolio, { valuation: value == null ? null : { amount: value, currency: 'RUB' }, asOf: new Date().toISOString() }));
    } else if (opcode === 'OrdersGetAndSubscribeV2') {
      observe(rows.order(streamOrderRowSchema.parse(data)));
    } else {
      observe(rows.trade(streamTradeRowSchema.parse(data)));
    }
  };

  const readAnswer = (frame: Record<string, unknown>, control: StreamControl): boolean => {
    const answer = alorAnswerSchema.safeParse(frame);
    if (!answer.success || !byGuid.has(answer.data.requestGuid)) return false;
    const { httpCode } = answer.data;
    const message = answer.data.message ?? `HTTP ${httpCode}`;
    if (httpCode === 200) {
      acknowledged.add(answer.data.requestGuid);
      // The snapshot follows: the positions list is built again from it.
      const subscription = byGuid.get(answer.data.requestGuid)!;
      if (subscription.opcode === 'PositionsGetAndSubscribeV2') portfolios.get(subscription.portfolio)!.resubscribed();
      return acknowledged.size === byGuid.size;
    }
    // Every request of a refused token is answered 401: one new token for them all, and all sent again.
    // ⚠ A 401 is matched to the token last sent, not to its request (ALOR's answer names only the
    // guid): one of the first batch read after the new token went out would count as refusing it.
    // The first batch's answers come together, long before the /refresh that follows the first.
    if (httpCode === 401 && replacing) return false;
    if (httpCode === 401 && sentWith && !replacements.has(sentWith)) {
      replacing = true;
      const refused = sentWith;
      control.reopenAfter(
        tokens.replace(refused).then((token) => {
          replacements.add(token);
          replacing = false;
        }),
      );
      return false;
    }
    // A portfolio the token no longer lists (403), or a request ALOR will not serve: poll instead.
    control.fail(
      httpCode === 401
        ? new UpstreamAuthError(`ALOR refused brokerql's access token for its account stream twice (${message})`, { connection })
        : new UpstreamRejectedError(`ALOR refused an account subscription (${httpCode}): ${message}`, { connection, retryable: httpCode === 429 }),
    );
    return false;
  };

  return openSocketGroup(
    [
      {
        endpoint: async () => ({ url: config.wsUrl }),
        async opening() {
          acknowledged.clear();
          const token = (sentWith = await tokens.current());
          return [...byGuid].map(([guid, { portfolio, opcode }]) => JSON.stringify({ opcode, portfolio, exchange, format: 'Simple', guid, token: token.value }));
        },
        read(text, control) {
          const frame = parseJsonExact(text) as Record<string, unknown>;
          if (typeof frame['guid'] === 'string' && frame['data'] !== undefined) {
            const subscription = byGuid.get(frame['guid']);
            if (subscription) readData(subscription, frame['data']);
            return acknowledged.size === byGuid.size;
          }
          return readAnswer(frame, control);
        },
        closed: (code, reason, wasLive) => alorCloseVerdict(code, reason, wasLive, connection),
        renewAt: () => sentWith?.refreshAt,
      },
    ],
    { connection, brokerLabel: alorLabel, heartbeat: 'websocket', settings: options.settings, observer: options.observer, sink },
  );
}
