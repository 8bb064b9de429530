/**
 * Every credential brokerql holds (broker tokens, refresh tokens, passwords, and the access
 * tokens obtained with them) is registered here, so that any text leaving the process
 * (client errors, logs) can be scrubbed even when a broker echoes a secret back.
 */

/** How many successive values of one rotating credential stay registered (the current one and its predecessors). */
const keptPerRotation = 3;

export class SecretRegistry {
  private readonly values = new Set<string>();
  /** Credentials that replace one another, by what they belong to (an ALOR access token of one connection): each value with its variants. */
  private readonly rotations = new Map<object, Array<{ value: string; variants: string[] }>>();

  add(secret: string | number | undefined | null): void {
    for (const variant of variants(secret)) this.values.add(variant);
  }

  /**
   * Registers the newest value of a credential that keeps being replaced (an access token every
   * half hour, a passkey). Only the last few values of each `owner` are kept: a long-running
   * gateway would otherwise keep every token it ever had, and scan them all on every log line. An
   * older value was dropped by brokerql once its successor arrived, and has expired at the broker.
   */
  addRotating(owner: object, secret: string): void {
    const kept = [...(this.rotations.get(owner) ?? []).filter((entry) => entry.value !== secret), { value: secret, variants: variants(secret) }];
    this.rotations.set(owner, kept.slice(-keptPerRotation));
  }

  redact(text: string): string {
    let result = text;
    const scrub = (secret: string) => {
      if (result.includes(secret)) result = result.split(secret).join('[redacted]');
    };
    for (const secret of this.values) scrub(secret);
    for (const kept of this.rotations.values()) for (const entry of kept) entry.variants.forEach(scrub);
    return result;
  }
}

/** The text and its URL-encoded form (a secret may travel in a query string); nothing for very short values. */
function variants(secret: string | number | undefined | null): string[] {
  if (secret === undefined || secret === null) return [];
  const text = String(secret);
  // Very short values would turn ordinary words into "[redacted]" without protecting anything.
  if (text.length < 4) return [];
  const encoded = encodeURIComponent(text);
  return encoded === text ? [text] : [text, encoded];
}
