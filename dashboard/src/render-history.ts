import { CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { formatMoney, type Money } from './amounts.js';
import { graphqlRequest } from './api.js';
import { byId, element, show } from './dom.js';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip);

/**
 * "Value over time": the values brokerql recorded each time it computed the net worth
 * (Query.netWorthHistory), never holdings projected into the past. Daily points once there are
 * a few days of them; until then hourly ones, so a new installation shows its first day.
 */

export const netWorthHistoryQuery = /* GraphQL */ `
  query DashboardNetWorthHistory($currency: String!, $interval: ValueInterval!) {
    netWorthHistory(currency: $currency, interval: $interval) { at total { amount currency } accounts complete }
  }
`;

export interface NetWorthPointData {
  at: string;
  total: Money;
  accounts: number;
  complete: boolean;
}

const incompleteColour = '#e4572e';
const lineColour = '#2f6fdf';
let chart: Chart<'line'> | undefined;
/** What the chart shows now: its tooltips read the exact amounts here. */
let shown: NetWorthPointData[] = [];

/** Asks for the history in `currency` and draws it (no broker call: the gateway answers from its database). */
export async function refreshHistory(token: string, currency: string): Promise<void> {
  const ask = async (interval: 'DAY' | 'HOUR') =>
    (await graphqlRequest<{ netWorthHistory: NetWorthPointData[] }>(token, netWorthHistoryQuery, { currency, interval })).data.netWorthHistory;
  let points = await ask('DAY');
  let interval: 'DAY' | 'HOUR' = 'DAY';
  if (points.length < 3) {
    points = await ask('HOUR');
    interval = 'HOUR';
  }
  renderHistory(points, interval);
}

function label(point: NetWorthPointData, interval: 'DAY' | 'HOUR'): string {
  const at = new Date(point.at);
  return interval === 'DAY' ? at.toLocaleDateString() : at.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

export function renderHistory(points: NetWorthPointData[], interval: 'DAY' | 'HOUR'): void {
  const canvas = byId<HTMLCanvasElement>('history-chart');
  canvas.dataset['points'] = String(points.length);
  canvas.hidden = points.length === 0;
  const incomplete = points.filter((point) => !point.complete).length;
  show(
    byId('history-note'),
    points.length === 0 && element('p', { class: 'muted' }, 'No history yet: brokerql records the value each time it computes it; come back later.'),
    incomplete > 0 &&
      element('p', { class: 'warning' }, `${incomplete} of ${points.length} points (in red) leave out an account that has no value recorded in that ${interval === 'DAY' ? 'day' : 'hour'}.`),
  );
  // Nothing to draw yet: a chart is made with the first point (Chart.js sizes a canvas when it is shown).
  if (points.length === 0 && !chart) return;
  const data = {
    labels: points.map((point) => label(point, interval)),
    datasets: [
      {
        label: 'Net worth',
        // Heights on a chart, not money: the exact amount is in each point's tooltip.
        data: points.map((point) => Number(point.total.amount)),
        borderColor: lineColour,
        pointBackgroundColor: points.map((point) => (point.complete ? lineColour : incompleteColour)),
        pointBorderColor: points.map((point) => (point.complete ? lineColour : incompleteColour)),
      },
    ],
  };
  shown = points;
  if (chart) {
    chart.data = data;
    chart.update();
    return;
  }
  const tooltip = { callbacks: { label: (item: { dataIndex: number }) => formatMoney(shown[item.dataIndex]?.total) } };
  chart = new Chart(canvas, { type: 'line', data, options: { responsive: true, animation: false, plugins: { legend: { display: false }, tooltip } } });
}
