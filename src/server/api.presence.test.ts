/**
 * Proof of presence (到场核验, docs/API.md): through the real server on both engines, the flags
 * an inspection gets when it arrives — far from the site, no fix, gallery photos, a photo used
 * at another site, EXIF times —, where they show (result list with its `flagged` filter, the
 * results, the inspection, the CSV), the phone's position for a site without one, and the
 * round's radius fixed once results are in. Flags never refuse an inspection.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { PresenceFlag } from '../domain/presence';
import { describeEachEngine } from './storage/test-engines';
import {
  expectStatus,
  jpeg,
  sha256,
  site,
  useApiServer,
  type BuiltInspection,
  type Team,
} from './test-support/api-harness';

const ROUND = 'presence';
const OTHER_ROUND = 'presence-earlier';
// Two stations about 2.2 km apart, and a third without coordinates.
const HERE = { lat: 33.7453, lng: 113.2951 };
const FAR = { lat: 33.7653, lng: 113.2951 };
const AT = '2021-07-05T02:00:00.000Z';

type ListRow = { siteId: string; flags: PresenceFlag[] | null; timeOnSiteS: number | null };

describeEachEngine(
  'proof of presence',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;

    const fix = (at: { lat: number; lng: number }, stage: 'open' | 'photo' | 'submit', accuracy = 15) => ({
      ...at,
      accuracy,
      at: AT,
      stage,
    });

    /** An inspection of a station with one photo on T01 carrying the given photo facts. */
    const build = (siteId: string, roundId: string, extra: Record<string, unknown>, photo = jpeg()) => {
      const built = h.fx.buildInspection({ roundId, siteId, type: 'station', photos: { T01: [photo] } });
      return { built, body: { ...built.body, ...extra }, hash: sha256(photo) };
    };

    const put = async (built: BuiltInspection, body: object, status = 201) => {
      await h.fx.uploadPhotos(team.inspector.token, built.photos);
      return expectStatus(
        await h.api.put(`/api/inspections/${built.body.id}`, body, team.inspector.token),
        status,
        'put inspection',
      );
    };

    const listRow = async (siteId: string, query = '') => {
      const response = await h.api.get<{ rows: ListRow[] }>(
        `/api/rounds/${ROUND}/result-list?q=${siteId}${query}`,
        team.supervisor.token,
      );
      return expectStatus(response, 200, 'result list').body.rows.find((row) => row.siteId === siteId);
    };

    beforeAll(async () => {
      team = await h.fx.team();
      const sites = [
        site('station', 'P-NEAR', '新华区', HERE),
        site('station', 'P-FAR', '新华区', HERE),
        site('station', 'P-OLD', '新华区', HERE),
        site('station', 'P-REUSE', '卫东区', FAR),
        site('station', 'P-NEW', '卫东区'),
      ];
      await h.fx.setUpRound(team.supervisor.token, {
        round: { id: OTHER_ROUND, startsOn: '2021-06-01', endsOn: '2021-06-30' },
        sites,
        assignees: [team.inspector],
      });
      await h.fx.setUpRound(team.supervisor.token, {
        round: { id: ROUND, startsOn: '2021-07-01', endsOn: '2021-07-31' },
        sites,
        assignees: [team.inspector],
      });
    });

    it('gives an inspection on site with camera photos no flag, and its time on site', async () => {
      const photoA = jpeg();
      const built = h.fx.buildInspection({
        roundId: ROUND,
        siteId: 'P-NEAR',
        type: 'station',
        photos: { T01: [photoA], T02: [jpeg()] },
      });
      const [a, b] = built.photos.map((bytes) => sha256(bytes));
      const body = {
        ...built.body,
        fixes: [fix(HERE, 'open'), fix(HERE, 'photo'), fix(HERE, 'submit')],
        photoMeta: {
          [a!]: { capturedAt: AT, source: 'camera', exifAt: AT },
          [b!]: { capturedAt: '2021-07-05T02:25:00.000Z', source: 'camera' },
        },
      };
      await put(built, body);
      expect(await listRow('P-NEAR')).toMatchObject({ flags: [], timeOnSiteS: 1500 });
      const detail = await h.api.get<{ flags: PresenceFlag[] }>(`/api/inspections/${body.id}`, team.supervisor.token);
      expect(detail.body.flags).toEqual([]);
    });

    it('flags an inspection far from the site with a gallery photo, and still stores it', async () => {
      const { built, body, hash } = build('P-FAR', ROUND, {
        fixes: [fix(FAR, 'open', 40), fix(FAR, 'submit', 40)],
      });
      const withMeta = {
        ...body,
        photoMeta: { [built.photos.map(sha256)[0]!]: { capturedAt: AT, source: 'gallery' } },
      };
      await put(built, withMeta);
      const row = await listRow('P-FAR');
      expect(row?.flags).toEqual([
        {
          code: 'far_from_site',
          distanceM: 2224,
          radiusM: 200,
          accuracyM: 40,
          stage: 'open',
          at: AT,
          beyond: 2,
          fixes: 2,
        },
        { code: 'gallery_photo', photos: [hash] },
      ]);
      expect((await listRow('P-FAR', '&flagged=yes'))?.siteId).toBe('P-FAR');
      expect(await listRow('P-FAR', '&flagged=no')).toBeUndefined();
      expect((await listRow('P-NEAR', '&flagged=no'))?.siteId).toBe('P-NEAR');

      const results = await h.api.get<{ siteId: string; flags: PresenceFlag[] }[]>(
        `/api/rounds/${ROUND}/results`,
        team.supervisor.token,
      );
      expect(results.body.find((result) => result.siteId === 'P-FAR')?.flags.map((flag) => flag.code)).toEqual([
        'far_from_site',
        'gallery_photo',
      ]);
      const csv = await h.api.get(`/api/rounds/${ROUND}/exports/items.csv`, team.supervisor.token);
      const lines = csv.bytes.toString('utf8').split('\r\n');
      expect(lines[0]).toMatch(/,核验提示$/);
      expect(lines.find((line) => line.includes('P-FAR'))).toMatch(/,距点位过远；相册照片$/);
      expect(lines.find((line) => line.includes('P-NEAR'))).toMatch(/,$/);
    });

    it('flags an older phone’s inspection without any position as no_fix', async () => {
      const { built, body } = build('P-OLD', ROUND, {});
      await put(built, body);
      expect((await listRow('P-OLD'))?.flags).toEqual([{ code: 'no_fix' }]);
    });

    it('flags a photo whose untouched file was cited at another site in an earlier round, and EXIF times', async () => {
      const file = sha256('the same picture, chosen twice');
      const earlier = build('P-NEAR', OTHER_ROUND, {});
      const earlierHash = earlier.hash;
      await put(earlier.built, {
        ...earlier.body,
        fixes: [fix(HERE, 'open')],
        photoMeta: { [earlierHash]: { capturedAt: AT, sourceSha256: file } },
      });
      const later = build('P-REUSE', ROUND, {});
      await put(later.built, {
        ...later.body,
        fixes: [fix(FAR, 'open')],
        photoMeta: {
          [later.hash]: { capturedAt: AT, sourceSha256: file, exifAt: '2021-06-10T01:00:00.000Z', source: 'camera' },
        },
      });
      expect((await listRow('P-REUSE'))?.flags).toEqual([
        {
          code: 'reused_photo',
          photos: [
            { sha256: later.hash, uses: [{ inspectionId: earlier.body.id, roundId: OTHER_ROUND, siteId: 'P-NEAR' }] },
          ],
        },
        {
          code: 'capture_time_mismatch',
          photos: [{ sha256: later.hash, exifAt: '2021-06-10T01:00:00.000Z', capturedAt: AT, minutes: 36_060 }],
        },
        {
          code: 'capture_outside_round',
          startsOn: '2021-07-01',
          endsOn: '2021-07-31',
          photos: [{ sha256: later.hash, exifAt: '2021-06-10T01:00:00.000Z' }],
        },
      ]);
    });

    it('takes the phone’s position for a site without one, once, marked as the phone’s', async () => {
      const { built, body } = build('P-NEW', ROUND, {
        fixes: [fix(FAR, 'open')],
        sitePosition: { ...FAR, accuracy: 12 },
      });
      await put(built, body);
      expect((await listRow('P-NEW'))?.flags).toEqual([{ code: 'site_position_from_phone' }]);
      const sites = await h.api.get<{ id: string; lat: number; positionSource: string }[]>(
        '/api/sites',
        team.supervisor.token,
      );
      expect(sites.body.find((s) => s.id === 'P-NEW')).toMatchObject({ ...FAR, positionSource: 'phone' });
      expect(sites.body.find((s) => s.id === 'P-NEAR')).toMatchObject({ positionSource: 'office' });

      // A later proposal does not move the site.
      const again = build('P-NEW', ROUND, { fixes: [fix(FAR, 'open')], sitePosition: { ...HERE, accuracy: 5 } });
      await put(again.built, again.body);
      expect((await listRow('P-NEW'))?.flags).toEqual([]);
      const after = await h.api.get<{ id: string; lat: number }[]>('/api/sites', team.supervisor.token);
      expect(after.body.find((s) => s.id === 'P-NEW')?.lat).toBe(FAR.lat);

      // The office saving the same coordinates keeps them the phone's; new ones are the office's.
      await h.fx.upsertSites(team.supervisor.token, [site('station', 'P-NEW', '卫东区', FAR)]);
      const kept = await h.api.get<{ id: string; positionSource: string }[]>('/api/sites', team.supervisor.token);
      expect(kept.body.find((s) => s.id === 'P-NEW')?.positionSource).toBe('phone');
      await h.fx.upsertSites(team.supervisor.token, [site('station', 'P-NEW', '卫东区', { lat: 33.7, lng: 113.3 })]);
      const moved = await h.api.get<{ id: string; positionSource: string }[]>('/api/sites', team.supervisor.token);
      expect(moved.body.find((s) => s.id === 'P-NEW')?.positionSource).toBe('office');
    });

    it('sets the round’s radius at creation and refuses to change it once results are in', async () => {
      const created = await h.fx.createRound(team.supervisor.token, { id: `radius-${randomUUID()}` });
      expect(created).toMatchObject({ presenceRadiusM: 200 });
      const patched = await h.api.patch(`/api/rounds/${created.id}`, { presenceRadiusM: 500 }, team.supervisor.token);
      expect(expectStatus(patched, 200, 'patch radius').body).toMatchObject({ presenceRadiusM: 500 });
      const refused = await h.api.patch(`/api/rounds/${ROUND}`, { presenceRadiusM: 500 }, team.supervisor.token);
      expect(refused.status).toBe(409);
      const same = await h.api.patch(`/api/rounds/${ROUND}`, { presenceRadiusM: 200 }, team.supervisor.token);
      expect(same.status).toBe(200);
    });
  },
  { openStorage: false },
);
