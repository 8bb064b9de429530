/**
 * Every credential brokerql holds (broker tokens, refresh tokens, passwords, and the access
 * tokens obtained with them) is registered here, so that any text leaving the process
 * (client errors, logs) can be scrubbed even when a broker echoes a secret back.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();

  add(secret: string | number | undefined | null): void {
    if (secret === undefined || secret === null) return;
    const text = String(secret);
    // Very short values would turn ordinary words into "[redacted]" without protecting anything.
    if (text.length < 4) return;
    this.values.add(text);
    const encoded = encodeURIComponent(text);
    if (encoded !== text) this.values.add(encoded);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.values) {
      if (result.includes(secret)) result = result.split(secret).join('[redacted]');
    }
    return result;
  }
}
