import {
  Counter as PromCounter,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type LabelValues,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

/**
 * Prometheus metrics on prom-client. Two kinds of series:
 *  - per process: Node.js's own (CPU, memory, heap spaces, GC, event-loop lag, handles) and the
 *    HTTP request histogram. Each is collected once per process, however many Custody instances it
 *    runs (tests start several), because the collectors (GC observer, event-loop monitor) are global;
 *  - per Custody instance: its own Registry (records, dead letters, lag…), built by the runtime.
 * /metrics answers both, merged.
 */
export { Gauge, Histogram, Registry } from 'prom-client';

/**
 * prom-client's Counter with its labels written in alphabetical order: the text format keeps the
 * order of each series' first `inc`, so one series would otherwise read differently depending on
 * the call site that counted first (dashboards and tests match the text).
 */
export class Counter<T extends string = string> extends PromCounter<T> {
  override async get(): Promise<MetricObjectWithValues<MetricValue<T>>> {
    const metric = await super.get();
    const sorted = (labels: LabelValues<T>) => Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))) as LabelValues<T>;
    return { ...metric, values: metric.values.map((v) => ({ ...v, labels: sorted(v.labels) })) };
  }
}

const httpRequestSeconds = new Histogram({
  name: 'custody_http_request_duration_seconds',
  help: 'HTTP requests by route pattern (unmatched: no route), method and status, until the response was handed to the socket',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [],
});

let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    processRegistry.registerMetric(httpRequestSeconds);
  }
  return processRegistry;
}

/**
 * Called once per request by the HTTP layer. `route` must be the route's pattern
 * (`/v1/records/:id`), never the request path: paths would make one series per record.
 */
export function observeHttpRequest(route: string, method: string, status: number, seconds: number): void {
  httpRequestSeconds.observe({ method, route, status: String(status) }, seconds);
}

/** The /metrics answer: this process's series and the instance's `registry`, in the text format. */
export async function exposition(registry: Registry): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([processMetrics(), registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
