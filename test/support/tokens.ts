import { randomBytes } from 'node:crypto';

/**
 * A token in brokerql's format that no token store issued: made at run time, so no secret-shaped
 * string is written into the repository (a scanner cannot tell a committed test value from a leak).
 */
export function unknownToken(): string {
  return `bql_${'0'.repeat(12)}_${randomBytes(32).toString('base64url')}`;
}
