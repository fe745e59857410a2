/**
 * The inspection-write load of `npm run bench:server`, run in its own process (forked by
 * put-load.ts) so that the clients' CPU is not the server's event loop: N clients, each on its
 * own keep-alive connection, each PUTting its next whole station checklist as soon as the last
 * one was answered, for a warm-up and then a measured period.
 *
 * Receives one message, the spec (see put-load.ts), builds every body up front (before the clock
 * starts), answers {ready}, waits for {go}, runs, answers with the figures and exits.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function send(agent, port, path, token, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (response) => {
        response.on('data', () => {});
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * The client's bodies: `spec.requestsPerClient` inspections, each a new id, going round the
 * client's sites (a site inspected again is a revisit: its latest inspection becomes its result);
 * answers by profile (see bench-server.ts).
 */
function bodiesOf(spec, client) {
  return Array.from({ length: spec.requestsPerClient }, (_, index) => {
    const siteId = client.siteIds[index % client.siteIds.length];
    const profile = spec.profiles[index % spec.profiles.length];
    const submitted = new Date(Date.UTC(2021, 6, 5 + (index % 10), 1, 0) + (index % 720) * 60_000);
    const id = randomUUID();
    const inspection = {
      id,
      revision: 1,
      roundId: spec.roundId,
      siteId,
      rubricVersion: spec.rubricVersion,
      startedAt: new Date(submitted.getTime() - 40 * 60_000).toISOString(),
      submittedAt: submitted.toISOString(),
      location: { lat: 33.7 + (index % 100) / 1000, lng: 113.3 + (index % 77) / 1000, accuracy: 12 },
      answers: spec.answers[profile],
    };
    return { path: `/api/inspections/${id}`, body: JSON.stringify(inspection) };
  });
}

process.once('message', (spec) => {
  const clients = spec.clients.map((client) => ({ token: client.token, requests: bodiesOf(spec, client) }));
  process.send({ ready: true });
  process.once('message', async () => {
    const latencies = [];
    const statuses = {};
    let completed = 0;
    let ranOut = 0;
    const started = performance.now();
    const warmEnd = started + spec.warmUpSeconds * 1000;
    const end = warmEnd + spec.seconds * 1000;
    await Promise.all(
      clients.map(async (client) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        let next = 0;
        while (performance.now() < end) {
          const request = client.requests[next++];
          if (!request) {
            ranOut++;
            break;
          }
          const sent = performance.now();
          const status = await send(agent, spec.port, request.path, client.token, request.body);
          const answered = performance.now();
          // Counted: sent after the warm-up, answered within the measured period.
          if (sent >= warmEnd && answered <= end) {
            latencies.push(answered - sent);
            completed++;
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
        }
        agent.destroy();
      }),
    );
    const measuredSeconds = (Math.min(performance.now(), end) - warmEnd) / 1000;
    latencies.sort((a, b) => a - b);
    process.send({
      completed,
      perSecond: completed / measuredSeconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      statuses,
      ranOut,
    });
    process.disconnect();
  });
});
