import { byId, element, show, table } from './dom.js';
import type { ConnectionData } from './queries.js';

const stateLabels: Record<string, string> = { OK: 'ok', FAILING: 'failing', CIRCUIT_OPEN: 'circuit open', UNKNOWN: 'not called yet' };

/** Each broker connection's status, from Connection.health (brokerql's record of its calls). */
export function renderHealth(connections: ConnectionData[], liveProblems: ReadonlyMap<string, string>): void {
  show(
    byId('health'),
    table(
      ['Connection', 'Broker', 'State', 'Circuit', 'Last success', 'Failures in a row', 'Live prices'],
      connections.map((connection) => [
        connection.id,
        connection.broker,
        element('td', {}, element('span', { class: `badge state-${connection.health.state.toLowerCase()}` }, stateLabels[connection.health.state] ?? connection.health.state)),
        connection.health.circuit.toLowerCase().replace('_', '-'),
        connection.health.lastSuccessAt ? new Date(connection.health.lastSuccessAt).toLocaleString() : '—',
        String(connection.health.consecutiveFailures),
        liveProblems.get(connection.id) ?? 'live',
      ]),
      { 'data-testid': 'health' },
    ),
  );
}
