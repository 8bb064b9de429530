import { ArcElement, Chart, DoughnutController, Legend, Tooltip } from 'chart.js';
import { formatMoney } from './amounts.js';
import { byId, element, show, table } from './dom.js';
import type { Slice } from './queries.js';

Chart.register(DoughnutController, ArcElement, Legend, Tooltip);

const palette = ['#2f6fdf', '#e4572e', '#29a36a', '#f3a712', '#7b5ea7', '#17becf', '#8c564b', '#e377c2', '#7f7f7f'];
const charts = new Map<string, Chart<'doughnut'>>();

/**
 * One allocation: a doughnut of the positive slices and a table of every slice with its exact
 * amount. The chart's angles are the only floating-point numbers on the page — proportions, not
 * money; a negative slice (a losing margin position) cannot be an angle, so it is in the table only.
 */
export function renderAllocation(name: 'by-connection' | 'by-type', slices: Slice[]): void {
  const shown = slices.filter((slice) => !slice.value.amount.startsWith('-') && slice.value.amount !== '0');
  const data = {
    labels: shown.map((slice) => slice.key),
    datasets: [{ data: shown.map((slice) => Number(slice.value.amount)), backgroundColor: shown.map((_slice, index) => palette[index % palette.length]!) }],
  };
  const existing = charts.get(name);
  if (existing) {
    existing.data = data;
    existing.update();
  } else {
    const canvas = byId<HTMLCanvasElement>(`${name}-chart`);
    charts.set(name, new Chart(canvas, { type: 'doughnut', data, options: { responsive: true, maintainAspectRatio: true, animation: false, plugins: { legend: { position: 'bottom' } } } }));
  }
  show(
    byId(`${name}-table`),
    table(
      ['', 'Value'],
      slices.map((slice) => [slice.key, element('td', { class: slice.value.amount.startsWith('-') ? 'number negative' : 'number' }, formatMoney(slice.value))]),
    ),
  );
}
