import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';

export interface ForwardedForWarningOptions {
  trustProxy: boolean;
  logger: Logger;
  /** Told the warning once, for /readyz to list. */
  onWarning: (message: string) => void;
}

const message =
  'requests arrive with X-Forwarded-For but server.trustProxy is false: failed authentications of every client behind that proxy ' +
  'count against one address (the proxy). Set server.trustProxy: true if brokerql runs behind a reverse proxy you control.';

/**
 * A reverse proxy brokerql was not told about makes every client look like one: the proxy's
 * address. Nothing breaks outright, so the first request that shows it (an X-Forwarded-For
 * header while trustProxy is off) is worth one warning in the log and in /readyz.
 */
export function useForwardedForWarning({ trustProxy, logger, onWarning }: ForwardedForWarningOptions): Plugin {
  let warned = trustProxy;
  return {
    onRequest({ request }) {
      if (warned || !request.headers.has('x-forwarded-for')) return;
      warned = true;
      logger.warn(message);
      onWarning(message);
    },
  };
}
