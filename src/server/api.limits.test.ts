/**
 * What keeps one client from stalling the server (docs/API.md "Limits"), and what the server
 * tells browsers and proxies: request and idle timeouts, connections per address, photo bytes
 * arriving at once, client hang-ups logged as the client's, links never built from a Host
 * header, HSTS only over HTTPS as a trusted proxy says, and no caching of API answers. The
 * server runs with small limits so each case takes a second, not five minutes.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../domain/wire';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, jpeg, sha256, site, useApiServer, type ErrorBody, type Team } from './test-support/api-harness';

const LIMITS = {
  requestTimeoutMs: 1500,
  headersTimeoutMs: 1000,
  idleTimeoutMs: 800,
  keepAliveTimeoutMs: 300,
  timeoutCheckIntervalMs: 100,
  // Above the team's sign-ups, which go in parallel, one per role (each its own connection).
  connectionsPerClient: ROLES.length + 1,
  maxConnections: 100,
  uploadBytesInFlight: 1024 * 1024,
  capsAddress: () => true, // loopback too: the tests' clients are all on it
};

/** A connection from `localAddress` (another loopback address keeps it apart from fetch's pool). */
function open(
  port: number,
  localAddress = '127.0.0.2',
): Promise<Socket & { received: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset is one of the outcomes under test
    const ended = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () =>
      resolve(Object.assign(socket, { received: () => Buffer.concat(chunks).toString('latin1'), ended })),
    );
    socket.once('error', reject);
  });
}

/** Resolves with the time it took, or rejects when `promise` takes longer than `ms`. */
async function within(ms: number, promise: Promise<unknown>): Promise<number> {
  const started = Date.now();
  await Promise.race([promise, delay(ms).then(() => Promise.reject(new Error(`still waiting after ${ms} ms`)))]);
  return Date.now() - started;
}

/** A whole request on a fresh connection; the answer's status line, headers and body. */
async function exchange(port: number, request: string) {
  const socket = await open(port, '127.0.0.3');
  socket.write(request); // not end(): a half-closed socket gets no answer; `Connection: close` ends it
  await socket.ended;
  const [head = '', body = ''] = socket.received().split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') };
}

describeEachEngine(
  'limits, headers and logs',
  (engine) => {
    const logLines: Record<string, unknown>[] = [];
    const h = useApiServer(engine, {
      limits: LIMITS,
      log: { write: (line) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    let team: Team;
    let port: number;
    let roundId: string;

    beforeAll(async () => {
      team = await h.fx.team();
      port = Number(new URL(h.server.baseUrl).port);
      roundId = (
        await h.fx.setUpRound(team.supervisor.token, { sites: [site('station', 'l-1')], assignees: [team.inspector] })
      ).id;
    });

    describe('timeouts', () => {
      it('a body that never finishes arriving gets a 408 and its connection closed', async () => {
        const bytes = jpeg({ bytes: 100_000 });
        const socket = await open(port);
        socket.write(
          `PUT /api/photos/${sha256(bytes)} HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n` +
            `Authorization: Bearer ${team.inspector.token}\r\nContent-Length: ${bytes.length}\r\n\r\n`,
        );
        // A byte now and then keeps it from being idle: only the request timeout can end it.
        let at = 0;
        const trickle = setInterval(() => socket.writable && socket.write(bytes.subarray(at, ++at)), 200);
        try {
          await within(LIMITS.requestTimeoutMs + 2000, socket.ended);
        } finally {
          clearInterval(trickle);
        }
        expect(socket.received()).toMatch(/^HTTP\/1\.1 408 /);
        expect(socket.received()).toContain('"error":"request_timeout"');
        expect((await h.api.get('/api/health')).status).toBe(200);
      });

      it('a connection that sends nothing is closed once idle', async () => {
        const socket = await open(port);
        const took = await within(LIMITS.idleTimeoutMs + 1500, socket.ended);
        expect(took).toBeGreaterThanOrEqual(LIMITS.idleTimeoutMs - 100);
      });
    });

    it('one address holds at most its share of connections; the next one is closed at once', async () => {
      const held = await Promise.all(Array.from({ length: LIMITS.connectionsPerClient }, () => open(port)));
      const extra = await open(port);
      await within(500, extra.ended);
      expect(extra.received()).toBe('');
      expect(held.every((socket) => !socket.destroyed)).toBe(true);
      // Others are not affected, and a freed place can be taken again.
      expect((await h.api.get('/api/health')).status).toBe(200);
      held[0]!.destroy();
      await held[0]!.ended;
      await delay(50);
      const again = await open(port);
      again.write('GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await within(1000, again.ended);
      expect(again.received()).toMatch(/^HTTP\/1\.1 200 /);
      for (const socket of held) socket.destroy();
    });

    it('photo bytes arriving at once are bounded: beyond, a 503 with Retry-After; later it goes', async () => {
      const first = jpeg({ bytes: 800 * 1024 });
      const second = jpeg({ bytes: 400 * 1024 });
      const socket = await open(port);
      socket.write(
        `PUT /api/photos/${sha256(first)} HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nConnection: close\r\n` +
          `Authorization: Bearer ${team.inspector.token}\r\nContent-Length: ${first.length}\r\n\r\n`,
      );
      socket.write(first.subarray(0, 10_000));
      await delay(200); // the first upload's handler has reserved its bytes

      const refused = await h.api.putPhoto<ErrorBody>(second, team.inspector.token);
      expect([refused.status, refused.body.error]).toEqual([503, 'unavailable']);
      expect(refused.headers.get('retry-after')).toBe('5');

      socket.write(first.subarray(10_000)); // not end(): a half-closed socket gets no answer
      await within(3000, socket.ended);
      expect(socket.received()).toMatch(/^HTTP\/1\.1 201 /);
      expect((await h.api.putPhoto(second, team.inspector.token)).status).toBe(201);
    });

    it('a client that breaks its chunked body is logged as the client’s, without a stack, never as a server fault', async () => {
      const from = logLines.length;
      for (const path of [`/api/photos/${sha256('x')}`, `/api/inspections/${crypto.randomUUID()}`]) {
        const type = path.startsWith('/api/photos') ? 'image/jpeg' : 'application/json';
        const socket = await open(port);
        socket.write(
          `PUT ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nAuthorization: Bearer ${team.inspector.token}\r\n` +
            `Transfer-Encoding: chunked\r\n\r\n4\r\n\xff\xd8\xff\xe0\r\nzz-not-a-size\r\n`,
        );
        await within(2000, socket.ended);
      }
      await delay(100);
      const lines = logLines.slice(from);
      expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
      expect(JSON.stringify(lines)).not.toContain('"stack"');
      expect(lines.some((line) => Number(line.level) <= 40 && String(line.msg).includes('client'))).toBe(true);
      expect((await h.api.get('/api/health')).status).toBe(200);
    });

    describe('links and headers', () => {
      it('a publication never echoes the Host header: without PUBLIC_URL its url is a path', async () => {
        const answer = await exchange(
          port,
          `POST /api/rounds/${roundId}/publication HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/json\r\n` +
            `Authorization: Bearer ${team.supervisor.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
        );
        expect([answer.status, answer.body]).toEqual([201, expect.any(String)]);
        const { url, token } = JSON.parse(answer.body) as { url: string; token: string };
        expect(url).toBe(`/public/${token}`);
      });

      it('HSTS is not sent over plain HTTP, whatever an untrusted X-Forwarded-Proto claims', async () => {
        const answer = await exchange(
          port,
          'GET /api/health HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n',
        );
        expect(answer.status).toBe(200);
        expect(answer.headers['strict-transport-security']).toBeUndefined();
      });

      it('no API answer that carries a token, personal data or a photo may be stored by a cache', async () => {
        const [photo] = await h.fx.uploadPhotos(team.inspector.token, [jpeg()]);
        const inspection = await h.fx.submitInspection(team.inspector.token, {
          roundId,
          siteId: 'l-1',
          type: 'station',
        });
        expectStatus(inspection.response, 201, 'inspection');
        const answers = [
          await h.api.post('/api/session', { username: team.inspector.username, password: team.inspector.password }),
          await h.api.get('/api/users', team.admin.token),
          await h.api.get('/api/bootstrap', team.inspector.token),
          await h.api.get('/api/inspections', team.inspector.token),
          await h.api.get(`/api/inspections/${inspection.body.id}`, team.inspector.token),
          await h.api.get(`/api/rounds/${roundId}/results`, team.supervisor.token),
          await h.api.get(`/api/photos/${photo}`, team.inspector.token),
          await h.api.post('/api/session', { username: 'nobody', password: 'wrong-password' }),
        ];
        expect(answers.map((answer) => [answer.status, answer.headers.get('cache-control')])).toEqual([
          [200, 'no-store'],
          [200, 'no-store'],
          [200, 'no-store'],
          [200, 'no-store'],
          [200, 'no-store'],
          [200, 'no-store'],
          [200, 'no-store'],
          [401, 'no-store'],
        ]);
      });
    });
  },
  { openStorage: false },
);

describeEachEngine(
  'behind a trusted proxy, with PUBLIC_URL',
  (engine) => {
    const h = useApiServer(engine, { trustProxy: ['127.0.0.1', '127.0.0.3'], publicUrl: 'https://civic.example.cn' });
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
    });

    it('publication links use PUBLIC_URL, whatever Host the request names', async () => {
      await h.fx.upsertSites(team.supervisor.token, [site('station', 'p-1')]);
      const round = await h.fx.createRound(team.supervisor.token);
      const port = Number(new URL(h.server.baseUrl).port);
      const answer = await exchange(
        port,
        `POST /api/rounds/${round.id}/publication HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n` +
          `Content-Type: application/json\r\nAuthorization: Bearer ${team.supervisor.token}\r\nContent-Length: 2\r\n` +
          `Connection: close\r\n\r\n{}`,
      );
      const { url, token } = JSON.parse(answer.body) as { url: string; token: string };
      expect(url).toBe(`https://civic.example.cn/public/${token}`);
    });

    it('HSTS when the trusted proxy says the request came over HTTPS, and only then', async () => {
      const port = Number(new URL(h.server.baseUrl).port);
      const overHttps = await exchange(
        port,
        'GET /api/health HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n',
      );
      expect(overHttps.headers['strict-transport-security']).toBe('max-age=31536000');
      const overHttp = await exchange(port, 'GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(overHttp.headers['strict-transport-security']).toBeUndefined();
    });
  },
  { openStorage: false },
);
