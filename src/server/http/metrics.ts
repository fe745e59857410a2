/**
 * Prometheus text metrics (exposition format 0.0.4), kept in memory by this process: requests
 * by route pattern and status, a latency histogram per route, photos and photo bytes stored,
 * failed sign-ins. Gauges that live in the database (open rectifications) are read at scrape
 * time. Route labels are Fastify's patterns (`/api/photos/:sha256`), never raw URLs, so the
 * number of series stays fixed whatever clients send.
 */
import type { FastifyInstance } from 'fastify';

/** Upper bounds of the latency buckets, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #latency = new Map<string, Histogram>();
  #photosStored = 0;
  #photoBytesStored = 0;
  #signInFailures = 0;

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = labels({ method, route, status: String(status) });
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const routeKey = labels({ method, route });
    const histogram = this.#latency.get(routeKey) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) histogram.counts[i]! += 1;
    });
    histogram.sum += seconds;
    histogram.count += 1;
    this.#latency.set(routeKey, histogram);
  }

  photoStored(bytes: number): void {
    this.#photosStored += 1;
    this.#photoBytesStored += bytes;
  }

  signInFailed(): void {
    this.#signInFailures += 1;
  }

  /** The exposition text, with the gauges read by the caller at scrape time. */
  render(gauges: { openRectifications: number }): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    metric('civic_http_requests_total', 'counter', 'HTTP requests answered, by method, route pattern and status.');
    for (const [key, value] of this.#requests) lines.push(`civic_http_requests_total{${key}} ${value}`);

    metric('civic_http_request_duration_seconds', 'histogram', 'Time to answer, by method and route pattern.');
    for (const [key, histogram] of this.#latency) {
      BUCKETS.forEach((bound, i) =>
        lines.push(`civic_http_request_duration_seconds_bucket{${key},le="${bound}"} ${histogram.counts[i]}`),
      );
      lines.push(`civic_http_request_duration_seconds_bucket{${key},le="+Inf"} ${histogram.count}`);
      lines.push(`civic_http_request_duration_seconds_sum{${key}} ${histogram.sum}`);
      lines.push(`civic_http_request_duration_seconds_count{${key}} ${histogram.count}`);
    }

    metric('civic_photos_stored_total', 'counter', 'New photos stored by this process.');
    lines.push(`civic_photos_stored_total ${this.#photosStored}`);
    metric('civic_photo_bytes_stored_total', 'counter', 'Bytes of the new photos stored by this process.');
    lines.push(`civic_photo_bytes_stored_total ${this.#photoBytesStored}`);
    metric('civic_sign_in_failures_total', 'counter', 'Sign-ins refused (wrong password, limits, busy).');
    lines.push(`civic_sign_in_failures_total ${this.#signInFailures}`);
    metric('civic_open_rectifications', 'gauge', 'Rectifications still open, in every round.');
    lines.push(`civic_open_rectifications ${gauges.openRectifications}`);
    return `${lines.join('\n')}\n`;
  }
}

/** `a="x",b="y"` with label values escaped as the format requires. */
function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

/** Counts every answered request (and failed sign-ins) into `metrics`. */
export function observeRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (route === '/api/session' && request.method === 'POST' && reply.statusCode >= 400) metrics.signInFailed();
  });
}
