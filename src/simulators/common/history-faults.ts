/**
 * Switches for the faults real brokers' operation histories have (issue 18), for a simulator's
 * history routes to apply:
 *
 *  - `dropAtSeam`: a page asked for with a cursor starts one row after where the cursor points, so
 *    the row at the seam is never delivered by that path (T-Invest's GetOperationsByCursor, as
 *    reproduced with exact cursors by a statistics service's author);
 *  - `repeatAtSeam`: such a page starts one row early, repeating the previous page's last row
 *    (tinvest-v2/operations_problems.md §6). With both on, seams alternate between the two;
 *  - `changeIdsAfter(n)`: after n more history requests every operation gets a new id, parents'
 *    ids included ("ID операций могут меняться со временем", §1);
 *  - `deliverLate(row)`: a row hidden from every read until a read covering its date has been
 *    answered without it; later reads include it — an operation that appears in a window a
 *    client already read.
 *
 * Rows are the simulator's own; `timeOf` says when one happened, `renameIds` gives every row a
 * new id.
 */
export class HistoryFaults<Row> {
  dropAtSeam = false;
  repeatAtSeam = false;
  private seams = 0;
  private idChangeIn: number | undefined;
  private readonly held = new Set<Row>();
  /** How many times ids have changed. */
  idChanges = 0;

  constructor(
    private readonly timeOf: (row: Row) => number,
    private readonly renameIds: () => void,
  ) {}

  /** Where a page asked for with a cursor starts, when the cursor points at `position`. */
  seamStart(position: number): number {
    const both = this.dropAtSeam && this.repeatAtSeam;
    const seam = this.seams++;
    const drop = both ? seam % 2 === 0 : this.dropAtSeam;
    const repeat = both ? seam % 2 === 1 : this.repeatAtSeam;
    return Math.max(0, position + (drop ? 1 : 0) - (repeat ? 1 : 0));
  }

  changeIdsAfter(requests: number): void {
    this.idChangeIn = requests;
  }

  deliverLate(row: Row): void {
    this.held.add(row);
  }

  /** Call when a history request arrives: changes the ids when it is time. */
  beforeRead(): void {
    if (this.idChangeIn === undefined) return;
    this.idChangeIn -= 1;
    if (this.idChangeIn > 0) return;
    this.idChangeIn = undefined;
    this.idChanges += 1;
    this.renameIds();
  }

  /** Whether a read sees the row now. */
  visible(row: Row): boolean {
    return !this.held.has(row);
  }

  /** Call once a read of [from, to] (epoch ms) is answered: the rows it held back are delivered to the next reads. */
  afterRead(from: number, to: number): void {
    for (const row of this.held) {
      const time = this.timeOf(row);
      if (time >= from && time <= to) this.held.delete(row);
    }
  }

  /** All switches off, nothing held. */
  reset(): void {
    this.dropAtSeam = false;
    this.repeatAtSeam = false;
    this.seams = 0;
    this.idChangeIn = undefined;
    this.held.clear();
  }
}
