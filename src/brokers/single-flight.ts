/**
 * Shares one upstream call among everyone who asks for the same thing while it is in flight:
 * a query whose portfolio and orders both read an account's open trades sends one request.
 * Nothing is kept once the call settles, so answers are never stale. The shared call runs
 * without any one caller's abort signal (the connection's timeout still bounds it), so a client
 * that goes away cannot fail the others.
 */
export class InFlight<Value> {
  private readonly running = new Map<string, Promise<Value>>();

  run(key: string, start: () => Promise<Value>): Promise<Value> {
    let call = this.running.get(key);
    if (!call) {
      call = start().finally(() => this.running.delete(key));
      this.running.set(key, call);
    }
    return call;
  }
}
