import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../metrics.js';

/** GET /metrics in Prometheus text format, on the gateway's own port. */
export function useMetricsEndpoint({ metrics, endpoint = '/metrics' }: { metrics: GatewayMetrics; endpoint?: string }): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint || request.method !== 'GET') return;
      endResponse(
        new fetchAPI.Response(await metrics.registry.metrics(), {
          status: 200,
          headers: { 'content-type': metrics.registry.contentType },
        }),
      );
    },
  };
}
