/**
 * What a city's IT staff run the server with: readiness (database and photo store) beside
 * liveness, Prometheus metrics for configured readers only, and HTTPS served directly from
 * TLS_CERT/TLS_KEY with HSTS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, jpeg, photoFiles, site, useApiServer, type Team } from './test-support/api-harness';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from './test-support/s3-server';

const METRICS_TOKEN = 'metrics-token-0123456789';

/** One sample's value from Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describeEachEngine(
  'readiness and metrics',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
    });

    it('ready when the database answers and the photo store takes a file; 503 naming the photo store when it cannot', async () => {
      const ready = await h.api.get<{ ok: boolean; checks: Record<string, string> }>('/api/ready');
      expect([ready.status, ready.body]).toEqual([200, { ok: true, checks: { database: 'ok', photos: 'ok' } }]);
      expect(ready.headers.get('cache-control')).toBe('no-store');

      // A file where the store's temp folder should be: nothing can be written.
      const tmp = join(h.server.dataDir, 'photos', 'tmp');
      rmSync(tmp, { recursive: true, force: true });
      writeFileSync(tmp, 'in the way');
      try {
        const broken = await h.api.get<{ error: string; checks: Record<string, string> }>('/api/ready');
        expect([broken.status, broken.body.error, broken.body.checks.database]).toEqual([503, 'unavailable', 'ok']);
        expect(broken.body.checks.photos).toMatch(/^error: /);
        expect(broken.headers.get('retry-after')).toBe('5');
        expect((await h.api.get('/api/health')).status).toBe(200); // alive, not ready
      } finally {
        rmSync(tmp, { force: true });
      }
      expect((await h.api.get('/api/ready')).status).toBe(200);
    });

    it('metrics count requests by route pattern, photos stored, refused sign-ins and open rectifications', async () => {
      const read = async () => {
        const response = await h.api.get('/api/metrics');
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        return response.bytes.toString('utf8');
      };
      const before = await read();
      const photo = jpeg({ bytes: 5000 });
      expectStatus(await h.api.putPhoto(photo, team.inspector.token), 201, 'photo');
      expect((await h.api.post('/api/session', { username: 'nobody', password: 'wrong-password' })).status).toBe(401);
      const round = await h.fx.setUpRound(team.supervisor.token, {
        sites: [site('station', 'm-1')],
        assignees: [team.inspector],
      });
      const poor = await h.fx.submitInspection(team.inspector.token, {
        roundId: round.id,
        siteId: 'm-1',
        type: 'station',
        grades: { T16: 'C#', T18: 'C#' },
      });
      expectStatus(poor.response, 201, 'inspection');
      const after = await read();

      const photoPuts = 'civic_http_requests_total{method="PUT",route="/api/photos/:sha256",status="201"}';
      expect((sample(after, photoPuts) ?? 0) - (sample(before, photoPuts) ?? 0)).toBe(3); // 1 + the 2 evidence photos
      expect(sample(after, 'civic_photos_stored_total')! - sample(before, 'civic_photos_stored_total')!).toBe(3);
      expect(sample(after, 'civic_photo_bytes_stored_total')! - sample(before, 'civic_photo_bytes_stored_total')!).toBe(
        photo.length + poor.photos.reduce((sum, bytes) => sum + bytes.length, 0),
      );
      expect(sample(after, 'civic_sign_in_failures_total')! - sample(before, 'civic_sign_in_failures_total')!).toBe(1);
      expect(sample(after, 'civic_open_rectifications')).toBe(
        (await h.fx.rectifications(team.supervisor.token)).length,
      );
      expect(sample(after, 'civic_open_rectifications')).toBeGreaterThan(0);
      // Route patterns, never raw URLs: a photo's hash is not a label.
      expect(after).not.toMatch(/route="\/api\/photos\/[0-9a-f]{64}"/);
      const bucket = 'civic_http_request_duration_seconds_bucket{method="PUT",route="/api/photos/:sha256",le="+Inf"}';
      expect(sample(after, bucket)).toBe(sample(after, photoPuts));
    });
  },
  { openStorage: false },
);

describeEachEngine(
  'metrics behind a token',
  (engine) => {
    const h = useApiServer(engine, { metricsAccess: { token: METRICS_TOKEN } });

    it('a configured token opens the metrics; without it even loopback gets a 404', async () => {
      expect((await h.api.get('/api/metrics')).status).toBe(404);
      expect((await h.api.get('/api/metrics', 'metrics-token-wrong-000000')).status).toBe(404);
      expect((await h.api.get('/api/metrics', METRICS_TOKEN)).status).toBe(200);
    });
  },
  { openStorage: false },
);

describeEachEngine(
  'metrics for listed addresses',
  (engine) => {
    const h = useApiServer(engine, { metricsAccess: { allow: ['10.9.8.7'] } });

    it('a caller outside the list, loopback included, gets a 404', async () => {
      expect((await h.api.get('/api/metrics')).status).toBe(404);
    });
  },
  { openStorage: false },
);

describeEachEngine(
  'photos in the database (PHOTO_STORE=database)',
  (engine) => {
    const h = useApiServer(engine, { photoStore: 'database' });

    it('an upload is stored in the database and served back byte-exact; nothing lands on disk', async () => {
      const team = await h.fx.team();
      const bytes = jpeg({ bytes: 700_000 });
      const [hash] = await h.fx.uploadPhotos(team.inspector.token, [bytes]);
      const read = await h.api.get(`/api/photos/${hash}`, team.inspector.token);
      expect([read.status, read.bytes.equals(bytes)]).toEqual([200, true]);
      expect((await h.api.putPhoto(bytes, team.inspector.token)).status).toBe(200);
      expect(await photoFiles(h.server.dataDir)).toEqual([]);
      expect((await h.api.get('/api/ready')).status).toBe(200);
    });
  },
  { openStorage: false },
);

describeEachEngine(
  'photos in an S3 bucket (PHOTO_STORE=s3://…)',
  (engine) => {
    let s3: LocalS3;
    beforeAll(async () => {
      s3 = await startLocalS3();
    });
    const h = useApiServer(engine, {
      photoStore: 's3',
      s3: () => ({ location: s3.location('civic'), credentials: LOCAL_S3_CREDENTIALS }),
    });
    afterAll(() => s3.close());

    it('an upload lands in the bucket and is served back byte-exact; a retry is 200; nothing on disk', async () => {
      const team = await h.fx.team();
      const bytes = jpeg({ bytes: 1_200_000 });
      const [hash] = await h.fx.uploadPhotos(team.inspector.token, [bytes]);
      expect(await h.server.ctx.photos.hasPhoto(hash!)).toBe(true);
      const read = await h.api.get(`/api/photos/${hash}`, team.inspector.token);
      expect([read.status, read.headers.get('content-type'), read.bytes.equals(bytes)]).toEqual([
        200,
        'image/jpeg',
        true,
      ]);
      expect((await h.api.putPhoto(bytes, team.inspector.token)).status).toBe(200);
      expect(await photoFiles(h.server.dataDir)).toEqual([]);
    });

    it('ready while the bucket takes a file; 503 naming the bucket once it is gone', async () => {
      expect((await h.api.get('/api/ready')).status).toBe(200);
      await s3.close();
      const broken = await h.api.get<{ error: string; checks: Record<string, string> }>('/api/ready');
      expect([broken.status, broken.body.checks.database]).toEqual([503, 'ok']);
      expect(broken.body.checks.photos).toMatch(/^error: PUT s3:\/\/civic-photos\/civic\/: /);
    });
  },
  { openStorage: false },
);

describe('HTTPS from TLS_CERT and TLS_KEY', () => {
  // A self-signed certificate for 127.0.0.1, as `openssl` makes one for a LAN without a name.
  const dir = mkdtempSync(join(tmpdir(), 'civic-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']
      .concat(['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'])
      .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
    { stdio: 'ignore' },
  );
  const tls = { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describeEachEngine(
    'served directly',
    (engine) => {
      const h = useApiServer(engine, { tls });

      it('answers over TLS, with HSTS', async () => {
        const { status, headers, body } = await new Promise<{
          status: number;
          headers: Record<string, unknown>;
          body: string;
        }>((resolve, reject) => {
          const req = request(`${h.server.baseUrl}/api/health`, { ca: tls.cert }, (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
            );
          });
          req.on('error', reject);
          req.end();
        });
        expect(h.server.baseUrl).toMatch(/^https:\/\//);
        expect([status, JSON.parse(body)]).toEqual([200, { ok: true }]);
        expect(headers['strict-transport-security']).toBe('max-age=31536000');
      });
    },
    { openStorage: false },
  );
});
