/**
 * A queue served round-robin across clients (brokerql tokens): each client's items keep their
 * order, and the clients take turns. One token with a thousand broker calls queued delays
 * another token's next call by at most one call per token ahead of it in the rotation, instead
 * of by the thousand — a statistics backfill cannot make a dashboard's portfolio query wait.
 */
export class FairQueue<Item> {
  /** Insertion order is the rotation: the first client is served next, then goes to the end. */
  private readonly byClient = new Map<string, Item[]>();
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(client: string, item: Item): void {
    const items = this.byClient.get(client);
    if (items) items.push(item);
    else this.byClient.set(client, [item]);
    this.count += 1;
  }

  /** The item `shift` would take. */
  peek(): Item | undefined {
    for (const items of this.byClient.values()) return items[0];
    return undefined;
  }

  shift(): Item | undefined {
    for (const [client, items] of this.byClient) {
      const item = items.shift();
      this.byClient.delete(client);
      if (items.length > 0) this.byClient.set(client, items);
      this.count -= 1;
      return item;
    }
    return undefined;
  }

  remove(client: string, item: Item): boolean {
    const items = this.byClient.get(client);
    const index = items?.indexOf(item) ?? -1;
    if (!items || index === -1) return false;
    items.splice(index, 1);
    if (items.length === 0) this.byClient.delete(client);
    this.count -= 1;
    return true;
  }

  /** Roughly how many items would be served before one more item of `client`. */
  aheadOf(client: string): number {
    const own = this.byClient.get(client)?.length ?? 0;
    let ahead = own;
    for (const [other, items] of this.byClient) if (other !== client) ahead += Math.min(items.length, own + 1);
    return ahead;
  }
}
