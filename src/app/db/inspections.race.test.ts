// @vitest-environment node
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { gradeForDefects } from '../../domain/rubric';
import { inspectionSchema } from '../../domain/wire';
import { NotEditableError } from './errors';
import {
  amendInspection,
  attachPhoto,
  getInspection,
  openInspection,
  submitInspection,
  updateAnswer,
} from './inspections';
import { entriesOfGroup } from './outbox';
import { saveBootstrap } from './session';
import { at, bootstrapFixture, INSPECTOR, makePhoto, STATION, testDatabase } from './test-support';
import type { InspectionOutboxEntry, NewPhoto } from './types';

/**
 * Autosave and submit fired without waiting for each other, the way a phone does it (Enketo
 * #1043). The writes of one inspection must apply in call order, so the outcome is exactly that
 * of running the same calls one by one: each submit freezes precisely the edits made before it,
 * every edit between a submit and the next amend is refused, and nothing is queued twice.
 */
const T18 = STATION.items.find((item) => item.id === 'T18')!;

describe('writes to one inspection are serialised', () => {
  type Op =
    | { kind: 'defects'; value: number }
    | { kind: 'note'; value: string }
    | { kind: 'photo'; photo: NewPhoto }
    | { kind: 'submit' }
    | { kind: 'amend' };

  async function schedule(seed: number, length: number): Promise<Op[]> {
    let state = seed;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const ops: Op[] = [];
    for (let i = 0; i < length; i++) {
      const roll = random();
      if (roll < 0.4) ops.push({ kind: 'defects', value: Math.floor(random() * 4) });
      else if (roll < 0.6) ops.push({ kind: 'note', value: `第${i}次修改` });
      else if (roll < 0.75) ops.push({ kind: 'photo', photo: await makePhoto(`race-${seed}-${i}`, 600) });
      else if (roll < 0.88) ops.push({ kind: 'submit' });
      else ops.push({ kind: 'amend' });
    }
    return ops;
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`random schedule ${seed}: the result equals running the calls one by one`, async () => {
      const { db } = await testDatabase();
      await saveBootstrap(db, bootstrapFixture());
      const draft = await openInspection(db, {
        roundId: 'R1',
        siteId: 'S1',
        inspectorId: INSPECTOR.id,
        rubricVersion: '2021',
        now: at(0),
      });
      for (const item of STATION.items) await updateAnswer(db, draft.id, item.id, { grade: 'A' });
      const first = await makePhoto(`race-${seed}-first`, 600);
      await attachPhoto(db, draft.id, 'T18', first); // a deduction on T18 always has its photo
      const ops = await schedule(seed, 80);

      // Fire everything at once.
      const results = await Promise.allSettled(
        ops.map((op, i) => {
          const now = at(10 + i);
          switch (op.kind) {
            case 'defects':
              return updateAnswer(db, draft.id, 'T18', { defects: op.value }, now);
            case 'note':
              return updateAnswer(db, draft.id, 'T18', { note: op.value }, now);
            case 'photo':
              return attachPhoto(db, draft.id, 'T18', op.photo, now);
            case 'submit':
              return submitInspection(db, draft.id, now);
            case 'amend':
              return amendInspection(db, draft.id, now);
          }
        }),
      );

      // The same calls, one by one, on a model.
      const model = {
        revision: 1,
        status: 'draft' as 'draft' | 'submitted',
        defects: undefined as number | undefined,
        note: undefined as string | undefined,
        photos: [first.sha256],
      };
      const frozen: { revision: number; submittedAt: string; defects?: number; note?: string; photos: string[] }[] = [];
      ops.forEach((op, i) => {
        const result = results[i]!;
        const editing = op.kind === 'defects' || op.kind === 'note' || op.kind === 'photo';
        if (editing && model.status !== 'draft') {
          expect(result.status, `op ${i} ${op.kind} after submit`).toBe('rejected');
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(NotEditableError);
          return;
        }
        expect(result.status, `op ${i} ${op.kind}`).toBe('fulfilled');
        if (op.kind === 'defects') model.defects = op.value;
        if (op.kind === 'note') model.note = op.value;
        if (op.kind === 'photo') model.photos.push(op.photo.sha256);
        if (op.kind === 'submit' && model.status === 'draft') {
          model.status = 'submitted';
          frozen.push({
            revision: model.revision,
            submittedAt: at(10 + i).toISOString(),
            ...(model.defects !== undefined && { defects: model.defects }),
            ...(model.note !== undefined && { note: model.note }),
            photos: [...model.photos],
          });
        }
        if (op.kind === 'amend' && model.status === 'submitted') {
          model.status = 'draft';
          model.revision += 1;
        }
      });

      const entries = await entriesOfGroup(db, draft.id);
      const submissions = entries.filter((entry): entry is InspectionOutboxEntry => entry.kind === 'inspection');
      expect(submissions.map((entry) => entry.key)).toEqual(frozen.map((f) => `${draft.id}@${f.revision}`));
      submissions.forEach((entry, index) => {
        const expected = frozen[index]!;
        expect(inspectionSchema.safeParse(entry.payload).success).toBe(true);
        expect(entry.payload.revision).toBe(expected.revision);
        expect(entry.payload.submittedAt).toBe(expected.submittedAt);
        const t18 = entry.payload.answers.find((answer) => answer.itemId === 'T18');
        const grade = expected.defects === undefined ? 'A' : gradeForDefects(T18, expected.defects);
        expect(t18).toEqual({
          itemId: 'T18',
          grade,
          ...(expected.defects !== undefined && { defects: expected.defects }),
          ...(expected.note !== undefined && { note: expected.note }),
          photos: expected.photos,
        });
      });

      // Every photo frozen in some revision is queued exactly once, before the first submission that needs it.
      const photoEntries = entries.filter((entry) => entry.kind === 'photo');
      const needed = [...new Set(frozen.flatMap((f) => f.photos))];
      expect(photoEntries.map((entry) => entry.key).sort()).toEqual([...needed].sort());
      for (const photo of photoEntries) {
        const firstUse = submissions.find((entry) =>
          entry.payload.answers.some((answer) => answer.photos.includes(photo.key)),
        );
        expect(photo.seq).toBeLessThan(firstUse!.seq);
      }

      const final = await getInspection(db, draft.id);
      expect(final).toMatchObject({ revision: model.revision, status: model.status });
      expect(final?.answers.T18).toEqual({
        grade: model.defects === undefined ? 'A' : gradeForDefects(T18, model.defects),
        ...(model.defects !== undefined && { defects: model.defects }),
        ...(model.note !== undefined && { note: model.note }),
        photos: model.photos,
      });
      expect(await db.photos.count()).toBe(model.photos.length);
    });
  }
});
