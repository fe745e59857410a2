/**
 * Inspection PUTs through a load balancer (issue #19), for bench:server (`CIVIC_BENCH_ONLY=cluster`):
 * three `npm start` processes (src/server/cli.ts, each its own Node process) on one durable
 * throwaway PostgreSQL behind HAProxy (test-support/server-processes.ts), and the same load —
 * LOAD_CLIENTS clients in another process (put-load.ts), whole station checklists with a note
 * on every item, warm-up then LOAD_SECONDS measured — first against one of the processes alone,
 * then through HAProxy to all three, each run on sites of its own. Budget: through the balancer
 * at least one process's PUTs per second, p99 < 50 ms.
 */
import { join } from 'node:path';
import type { InspectionInput } from '../../src/domain/wire';
import { PROJECT_ROOT } from '../../src/server/config';
import { loadRubrics } from '../../src/server/rubric-store';
import {
  haproxyBinary,
  startHaproxy,
  startServerProcess,
  type ServerProcess,
} from '../../src/server/test-support/server-processes';
import { startThrowawayPostgres } from '../pg/throwaway.mjs';
import { LOAD_CLIENTS, LOAD_SECONDS, LOAD_WARM_UP_SECONDS, runPutLoad, type LoadFigures } from './put-load';

const ADMIN_PASSWORD = 'bench-admin-password';
const SITES_PER_CLIENT = 2_000;
const REQUESTS_PER_CLIENT = 6_000;

export interface ClusterFigures {
  alone: LoadFigures;
  balanced: LoadFigures;
}

async function call(base: string, method: string, path: string, body: unknown, token?: string): Promise<unknown> {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
  return response.json();
}

export async function benchClusterPuts(): Promise<ClusterFigures | string> {
  const haproxy = haproxyBinary();
  if (!haproxy) return 'cluster: skipped, HAProxy is not installed (apt-get install haproxy)';
  const cluster = await startThrowawayPostgres({ durable: true });
  const servers: ServerProcess[] = [];
  let balancer: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  try {
    console.log('cluster: starting three server processes and HAProxy…');
    const env = { DATABASE_URL: cluster.url, ADMIN_PASSWORD };
    servers.push(...(await Promise.all([0, 1, 2].map(() => startServerProcess(env)))));
    balancer = await startHaproxy(haproxy, servers);
    const base = balancer.url;

    const signIn = async (username: string, password: string) =>
      ((await call(base, 'POST', '/api/session', { username, password })) as { token: string }).token;
    const admin = await signIn('admin', ADMIN_PASSWORD);
    const inspectors: { id: string; token: string }[] = [];
    for (let n = 0; n < LOAD_CLIENTS; n++) {
      const username = `cluster-inspector${n}`;
      const password = `cluster-password-${n}`;
      const user = (await call(
        base,
        'POST',
        '/api/users',
        { username, password, displayName: `压测测评员${n}`, role: 'inspector' },
        admin,
      )) as { id: string };
      inspectors.push({ id: user.id, token: await signIn(username, password) });
    }
    const siteIds = Array.from({ length: LOAD_CLIENTS * SITES_PER_CLIENT }, (_, i) => `C-${i}`);
    for (let start = 0; start < siteIds.length; start += 5000) {
      const sites = siteIds
        .slice(start, start + 5000)
        .map((id, i) => ({ id, name: `压测实践站${start + i}`, type: 'station', district: `压测${(i % 6) + 1}区` }));
      await call(base, 'PUT', '/api/sites', sites, admin);
    }
    const round = { id: 'cluster-puts', name: '压测：多进程提交', rubricVersion: '2021', rectifyBelow: 90 };
    await call(
      base,
      'POST',
      '/api/rounds',
      { ...round, rectifyDays: 15, startsOn: '2021-07-05', endsOn: '2021-07-16' },
      admin,
    );
    const pairs = siteIds.map((siteId, i) => ({ siteId, userId: inspectors[i % LOAD_CLIENTS]!.id }));
    for (let start = 0; start < pairs.length; start += 5000)
      await call(base, 'PUT', '/api/rounds/cluster-puts/assignments', pairs.slice(start, start + 5000), admin);

    const rubrics = await loadRubrics(join(PROJECT_ROOT, 'rubric'));
    const answers: InspectionInput['answers'] = rubrics.get('2021')!.types.station.items.map((item) => ({
      itemId: item.id,
      grade: 'A',
      note: `${item.id} 已现场核查：台账、制度与现场一致，资料齐全，负责人在岗。`,
      photos: [],
    }));
    const spec = (port: number, half: 0 | 1) => ({
      port,
      seconds: LOAD_SECONDS,
      warmUpSeconds: LOAD_WARM_UP_SECONDS,
      roundId: 'cluster-puts',
      rubricVersion: '2021',
      answers: { full: answers },
      profiles: ['full'],
      requestsPerClient: REQUESTS_PER_CLIENT,
      clients: inspectors.map(({ token }, client) => {
        const own = siteIds.filter((_, i) => i % LOAD_CLIENTS === client);
        const size = Math.floor(own.length / 2);
        return { token, siteIds: own.slice(half * size, (half + 1) * size) };
      }),
    });
    console.log('cluster: one process alone under load…');
    const alone = await runPutLoad(spec(servers[0]!.port, 0));
    console.log('cluster: three processes through HAProxy under load…');
    const balanced = await runPutLoad(spec(Number(new URL(base).port), 1));
    return { alone, balanced };
  } finally {
    await balancer?.stop();
    await Promise.all(servers.map((server) => server.stop()));
    await cluster.stop();
  }
}
