/**
 * The READ token lives in this tab's sessionStorage only: not in a cookie (no request carries it
 * by itself, so no other site can make the browser use it), not in the URL (history, logs,
 * Referer), not in localStorage (it goes when the tab closes).
 */

const key = 'brokerql.token';

export function readToken(): string | null {
  return sessionStorage.getItem(key);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(key, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(key);
}

/** What a pasted token must look like before it is sent anywhere. */
export function tokenShapeProblem(token: string): string | null {
  if (token === '') return 'Paste a brokerql READ token first.';
  if (!/^bql_[A-Za-z0-9_-]+$/.test(token)) return 'That is not a brokerql token: they start with bql_ and contain no spaces.';
  return null;
}
