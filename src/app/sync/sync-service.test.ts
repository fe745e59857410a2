// @vitest-environment node
/**
 * The sync service as the app composes it, over a real (fake-indexeddb) outbox: a submission
 * wakes the scheduler by itself — the outbox announces it (db/outbox-events.ts); no page calls
 * anything — and the inspection with its photos goes out.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../api/api-client';
import type { CivicDatabase } from '../db/database';
import { saveBootstrap } from '../db/session';
import { bootstrapFixture, makePhoto, submitStation, testDatabase } from '../db/test-support';
import { createSyncService, type SyncService } from './sync-service';

let db: CivicDatabase;
let service: SyncService | undefined;
let sent: string[];

const api = {
  putPhoto: async (sha256: string) => {
    sent.push(`photo ${sha256.slice(0, 8)}`);
    return { status: 201, body: { sha256, bytes: 1 } };
  },
  putInspection: async (inspection: { id: string; revision: number }) => {
    sent.push(`inspection ${inspection.revision}`);
    return { status: 201, body: { id: inspection.id, revision: inspection.revision, score: 100, fullMarks: true } };
  },
  putRecheck: async (recheck: { id: string }) => {
    sent.push('recheck');
    return { status: 201, body: { id: recheck.id, rectificationStatus: 'closed' } };
  },
} as unknown as ApiClient;

function environment() {
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' as const });
  return { window: new EventTarget(), document, navigator: { onLine: true } };
}

async function until(condition: () => boolean, timeoutMs = 3_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeEach(async () => {
  db = (await testDatabase()).db;
  await saveBootstrap(db, bootstrapFixture());
  sent = [];
});

afterEach(() => service?.stop());

describe('the sync service', () => {
  it('sends a submission as soon as it is queued, with nobody asking', async () => {
    service = createSyncService({ db, api, onSignInNeeded: () => {}, environment: environment() });
    service.start();
    await until(() => service!.getSnapshot().status === 'idle');

    await submitStation(db, 'S1', [await makePhoto('p1')]);
    await until(() => sent.length === 2);
    expect(sent).toEqual([expect.stringMatching(/^photo /), 'inspection 1']);
  });

  it('stops listening when stopped', async () => {
    service = createSyncService({ db, api, onSignInNeeded: () => {}, environment: environment() });
    service.start();
    service.stop();
    await submitStation(db, 'S1', []);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent).toEqual([]);
  });
});
