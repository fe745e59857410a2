/**
 * Thumbnails (docs/API.md "Inspections", `thumbnails`): a phone uploads the small copy it made
 * of each photo as a photo of its own and names it in the inspection; the server keeps the link
 * with the inspection's photo reference, and the report's example photos come with it, so the
 * office draws kilobytes instead of whole photos. A thumbnail is cited like any photo (a field
 * user only their own uploads: 422 otherwise), keys must be photos of the answers (400), and an
 * inspection without thumbnails stays valid (its examples have a null thumbnail).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from './storage/test-engines';
import {
  expectStatus,
  jpeg,
  sha256,
  site,
  useApiServer,
  type ErrorBody,
  type StoredSummary,
  type Team,
} from './test-support/api-harness';

interface ReportProblems {
  commonProblems: { itemId: string; examplePhotos: string[]; exampleThumbnails: (string | null)[] }[];
}

describeEachEngine(
  'photo thumbnails',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
      await h.fx.setUpRound(team.supervisor.token, {
        round: { id: 'TH' },
        sites: [site('station', 'th-s1'), site('station', 'th-s2'), site('station', 'th-s3')],
        assignees: [team.inspector],
      });
    });

    /** An inspection of `siteId` deducting T16 with one photo; the photo and a thumbnail of it, not uploaded. */
    const inspectionWithThumbnail = (siteId: string) => {
      const photo = jpeg({ label: `${siteId} T16 full`, bytes: 200_000 });
      const thumbnail = jpeg({ label: `${siteId} T16 thumbnail` });
      const built = h.fx.buildInspection({
        roundId: 'TH',
        siteId,
        type: 'station',
        grades: { T16: 'C#' },
        photos: { T16: [photo] },
      });
      const body = { ...built.body, thumbnails: { [sha256(photo)]: sha256(thumbnail) } };
      return { body, photo, thumbnail };
    };
    const put = (body: { id: string }, token = team.inspector.token) =>
      h.api.put<StoredSummary & ErrorBody>(`/api/inspections/${body.id}`, body, token);

    describe('PUT /api/inspections with thumbnails', () => {
      it('stores the link, returns it with the inspection, and a retry is still a 200', async () => {
        const { body, photo, thumbnail } = inspectionWithThumbnail('th-s1');
        await h.fx.uploadPhotos(team.inspector.token, [photo, thumbnail]);
        expectStatus(await put(body), 201, 'put');
        expectStatus(await put(body), 200, 'retry');
        const stored = await h.api.get<{ thumbnails: unknown }>(`/api/inspections/${body.id}`, team.supervisor.token);
        expect(stored.body.thumbnails).toEqual({ [sha256(photo)]: sha256(thumbnail) });
        // The office reads the thumbnail's bytes like any photo's: the small ones.
        const bytes = expectStatus(
          await h.api.get(`/api/photos/${sha256(thumbnail)}`, team.supervisor.token),
          200,
          'get',
        );
        expect(bytes.bytes.equals(thumbnail)).toBe(true);
        expect(thumbnail.length).toBeLessThan(photo.length / 50);
      });

      it('answers 422 missing_photos for a thumbnail not uploaded yet, and stores nothing', async () => {
        const { body, photo, thumbnail } = inspectionWithThumbnail('th-s2');
        await h.fx.uploadPhotos(team.inspector.token, [photo]);
        const missing = await put(body);
        expect(missing.status).toBe(422);
        expect(missing.body.missingPhotos).toEqual([sha256(thumbnail)]);
        expect((await h.api.get(`/api/inspections/${body.id}`, team.supervisor.token)).status).toBe(404);
        // The phone sends it, then the inspection again.
        await h.fx.uploadPhotos(team.inspector.token, [thumbnail]);
        expectStatus(await put(body), 201, 'after the thumbnail');
      });

      it('lets a field user cite only thumbnails they uploaded themselves', async () => {
        const { body, photo, thumbnail } = inspectionWithThumbnail('th-s3');
        const other = await h.fx.createUser(team.admin.token, 'inspector');
        await h.fx.uploadPhotos(team.inspector.token, [photo]);
        await h.fx.uploadPhotos(other.token, [thumbnail]);
        const refused = await put(body);
        expect(refused.status).toBe(422);
        expect(refused.body.missingPhotos).toEqual([sha256(thumbnail)]);
      });

      it('refuses a thumbnail for a photo the answers do not cite, or a key that is not a hash (400)', async () => {
        const { body, photo, thumbnail } = inspectionWithThumbnail('th-s3');
        await h.fx.uploadPhotos(team.inspector.token, [photo, thumbnail]);
        const stray = { ...body, thumbnails: { ...body.thumbnails, ['f'.repeat(64)]: sha256(thumbnail) } };
        const refused = await put(stray);
        expect(refused.status).toBe(400);
        expect(refused.body.issues?.map((issue) => issue.path)).toEqual(['thumbnails']);
        const malformed = { ...body, thumbnails: { [sha256(photo)]: 'small.jpg' } };
        expect((await put(malformed)).status).toBe(400);
      });
    });

    describe('the report', () => {
      it('gives each example photo its thumbnail, and null for an inspection that named none', async () => {
        await h.fx.setUpRound(team.supervisor.token, {
          round: { id: 'TH-R' },
          sites: [site('station', 'thr-s1'), site('station', 'thr-s2')],
          assignees: [team.inspector],
        });
        const photo = jpeg({ label: 'thr-s1 T16' });
        const thumbnail = jpeg({ label: 'thr-s1 T16 small' });
        const built = h.fx.buildInspection({
          roundId: 'TH-R',
          siteId: 'thr-s1',
          type: 'station',
          grades: { T16: 'C#' },
          photos: { T16: [photo] },
        });
        await h.fx.uploadPhotos(team.inspector.token, [photo, thumbnail]);
        const body = { ...built.body, thumbnails: { [sha256(photo)]: sha256(thumbnail) } };
        expectStatus(await put(body), 201, 'with a thumbnail');
        // An older client: no thumbnails at all.
        const old = await h.fx.submitInspection(team.inspector.token, {
          roundId: 'TH-R',
          siteId: 'thr-s2',
          type: 'station',
          grades: { T16: 'C#' },
          id: randomUUID(),
        });
        expectStatus(old.response, 201, 'without');

        const report = expectStatus(
          await h.api.get<ReportProblems>('/api/rounds/TH-R/report', team.supervisor.token),
          200,
          'report',
        ).body;
        const t16 = report.commonProblems.find((problem) => problem.itemId === 'T16')!;
        expect(t16.examplePhotos).toEqual([sha256(photo), old.body.answers.find((a) => a.itemId === 'T16')!.photos[0]]);
        expect(t16.exampleThumbnails).toEqual([sha256(thumbnail), null]);
      });
    });
  },
  { openStorage: false },
);
