/**
 * Small builders for sync tests: distinct JPEG-looking photos with their SHA-256, and inspection
 * and recheck bodies in the wire format of API.md (src/domain/wire.ts).
 */
import type { Inspection, Recheck } from '../../../domain/wire';
import { sha256Hex } from '../../platform/sha256';

export interface TestPhoto {
  sha256: string;
  blob: Blob;
  bytes: Uint8Array;
}

/** Photo number `n`: JPEG magic bytes, then `n`, then filler, so every `n` hashes differently. */
export async function makePhoto(n: number, size = 64): Promise<TestPhoto> {
  const bytes = new Uint8Array(Math.max(size, 8));
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  new DataView(bytes.buffer).setUint32(4, n);
  for (let i = 8; i < bytes.length; i += 1) bytes[i] = (n * 31 + i) & 0xff;
  const blob = new Blob([bytes], { type: 'image/jpeg' });
  return { sha256: await sha256Hex(blob), blob, bytes };
}

/** A UUID that is a function of `n`, so schedules replay identically. */
export function testUuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export interface InspectionOptions {
  id: string;
  revision?: number;
  photos?: string[];
  note?: string;
  grade?: Inspection['answers'][number]['grade'];
}

export function makeInspection({ id, revision = 1, photos = [], note, grade }: InspectionOptions): Inspection {
  return {
    id,
    revision,
    roundId: 'R2026',
    siteId: 'S001',
    rubricVersion: '2021',
    startedAt: '2026-07-01T08:00:00+08:00',
    submittedAt: `2026-07-01T09:${String(revision % 60).padStart(2, '0')}:00+08:00`,
    answers: [
      {
        itemId: 'T01',
        grade: grade ?? (photos.length > 0 ? 'C' : 'A'),
        photos,
        ...(note !== undefined && { note }),
      },
      { itemId: 'T02', grade: 'A', photos: [] },
    ],
  };
}

/** A recheck as sent; either verdict needs at least one photo to be valid. */
export function makeRecheck(id: string, photos: string[], verdict: Recheck['verdict'] = 'fixed'): Recheck {
  return {
    id,
    rectificationId: 'R2026:S001:T01',
    verdict,
    photos,
    checkedAt: '2026-07-16T10:00:00+08:00',
  };
}

/** Lets every pending promise callback, and timers of 0 ms set before it, run. */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
