/**
 * The page builds its DOM with these: text always goes in as text nodes (`append` of a string),
 * never as HTML, so an account name or a broker's message can never become markup. No inline
 * style either — the Content-Security-Policy would refuse it; classes from app.css instead.
 */

export type Child = Node | string | null | undefined | false;

export function element<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[Tag] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

export function byId<Type extends HTMLElement = HTMLElement>(id: string): Type {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as Type;
}

type Cells = Array<Child | HTMLTableCellElement>;

/**
 * A table with a header row; each row a list of cells (a string or a prepared <td>), or that list
 * with the row's own attributes (a live update finds its row by them: data-order="<id>").
 */
export function table(headers: string[], rows: Array<Cells | { attributes: Record<string, string>; cells: Cells }>, attributes: Record<string, string> = {}): HTMLTableElement {
  return element(
    'table',
    attributes,
    element('thead', {}, element('tr', {}, ...headers.map((header) => element('th', { scope: 'col' }, header)))),
    element(
      'tbody',
      {},
      ...rows.map((row) => {
        const { attributes: rowAttributes, cells } = Array.isArray(row) ? { attributes: {}, cells: row } : row;
        return element('tr', rowAttributes, ...cells.map((cell) => (cell instanceof HTMLTableCellElement ? cell : element('td', {}, cell))));
      }),
    ),
  );
}

/** Replaces a container's content. */
export function show(container: HTMLElement, ...children: Child[]): void {
  container.replaceChildren(...children.filter((child): child is Node | string => child !== null && child !== undefined && child !== false));
}
