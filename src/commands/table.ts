/**
 * Characters a terminal acts on instead of showing: C0 and C1 controls (newline, carriage
 * return, ESC starting a colour or cursor sequence), DEL, and the Unicode line separators and
 * bidirectional overrides that reorder what follows them. A cell carrying one could fake a row,
 * hide a column or recolour the screen; shown escaped, it is plain evidence. Backslashes are
 * escaped too, so an escape in the output always means one in the data.
 */
const unprintable = /[\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const named: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(text: string): string {
  return text.replace(unprintable, (character) => named[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Plain aligned columns for terminal output (token list, audit); every cell is made printable. */
export function formatTable(headers: string[], rows: Array<Array<string | null | undefined>>): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : printable(cell))))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}
