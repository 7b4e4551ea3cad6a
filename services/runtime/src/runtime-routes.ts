import { hashToken, json, problem, publicRoute, type Route } from '@custody/http';
import { safeEqual } from '@custody/connector-kit';
import type { Config } from '@custody/config';
import { z } from 'zod';
import type { custodyMetrics } from './metrics';
import type { Readiness } from './readiness';

interface RuntimeRouteDeps {
  config: Config;
  readiness: Readiness;
  metrics: ReturnType<typeof custodyMetrics>;
  services: string[];
  isReady(): boolean;
}

const Readyz = z.looseObject({
  status: z.enum(['ready', 'starting', 'unavailable']),
  dependencies: z.record(z.string(), z.enum(['ok', 'unavailable'])).optional(),
});

/** Liveness, readiness and metrics: served by every process, whatever services it runs. */
export function runtimeRoutes(deps: RuntimeRouteDeps): Route[] {
  const { config } = deps;
  return [
    publicRoute({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness',
      description: 'The process answers',
      access: { public: 'liveness probes carry no credentials; says nothing but ok' },
      schema: { response: { 200: z.object({ status: z.literal('ok') }) } },
      handler: async () => json(200, { status: 'ok' }),
    }),
    publicRoute({
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness',
      description:
        '200 only when start-up finished (consumer groups joined) and every dependency the process’s services need answers a probe (re-probed at most every 3 s), else 503 naming what is starting or unavailable (`kafka`, `s3`, `opensearch`; embedded: `embedded-bus`, `archive-dir`, `embedded-index`)',
      access: { public: 'load balancers carry no credentials; names dependencies, never their errors' },
      schema: { response: { 200: Readyz, 503: Readyz.or(z.looseObject({ error: z.looseObject({}) })) } },
      handler: async () =>
        deps.isReady() ? deps.readiness.response({ mode: config.CUSTODY_MODE, services: deps.services }) : problem(503, 'starting', 'not ready yet'),
    }),
    publicRoute({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics',
      description: 'Needs the bearer token whose SHA-256 is `CUSTODY_METRICS_TOKEN_SHA256`',
      access: { public: 'not an API key: the scraper’s own bearer token (CUSTODY_METRICS_TOKEN_SHA256)' },
      schema: { response: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } } },
      handler: async (req) => {
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!config.CUSTODY_METRICS_TOKEN_SHA256) return problem(401, 'unauthenticated', 'metrics are disabled: set CUSTODY_METRICS_TOKEN_SHA256');
        if (!token || !safeEqual(hashToken(token), config.CUSTODY_METRICS_TOKEN_SHA256)) return problem(401, 'unauthenticated', 'bearer token required');
        const { contentType, body } = await deps.metrics.expose();
        return { status: 200, headers: { 'content-type': contentType }, body };
      },
    }),
  ];
}
