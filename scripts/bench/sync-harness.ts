/**
 * The sync bench's page script: the app's own modules, no test hooks. It signs in through the
 * session service, fills the Dexie outbox through the repository functions the checklist uses
 * (openInspection, updateAnswer, attachPhoto, submitInspection), and drains it with the sync
 * engine composed exactly as src/app/sync/sync-service.ts composes it (Dexie store, HTTP
 * transport over the API client, wall clock), against the real server on this page's origin.
 * The reference is a plain `fetch` loop over the same kind of bytes, held in memory.
 *
 * Photos: the fixture goes through the app's photo pipeline (src/app/photos/photo-pipeline.ts,
 * here on the main thread: the bench times sync, not photo processing) a few times with
 * different watermarks; each photo of the bench is one of those JPEGs with a unique comment
 * segment (FF FE) after its SOI marker — the same size give or take 36 bytes, a valid JPEG, and
 * a distinct SHA-256, so the server stores every one.
 */
import type { ApiClient } from '../../src/app/api/api-client';
import { openCivicDatabase, type CivicDatabase } from '../../src/app/db/database';
import { attachPhoto, openInspection, submitInspection, updateAnswer } from '../../src/app/db/inspections';
import { outboxSummary, outboxSyncStore, pendingEntries } from '../../src/app/db/outbox';
import { getSession } from '../../src/app/db/session';
import { processPhoto } from '../../src/app/photos/photo-pipeline';
import { sha256Hex } from '../../src/app/platform/sha256';
import { createServices, type AppServices } from '../../src/app/services';
import { signIn } from '../../src/app/session/session-service';
import { createHttpTransport } from '../../src/app/sync/http-transport';
import type { SyncEvent } from '../../src/app/sync/engine-types';
import { createSyncEngine } from '../../src/app/sync/sync-engine';
import { withJpegComment } from '../../src/domain/test-jpeg';
import type { BasePhotos, DrainResult, FillResult, SyncHarnessApi } from './sync-harness-api';

interface Opened {
  db: CivicDatabase;
  api: ApiClient;
  services: AppServices;
  token: string;
  userId: string;
}

const opened = new Map<string, Opened>();
const bases: { jpeg: Uint8Array; thumbnail: Blob; width: number; height: number; originalBytes: number }[] = [];

/** Items graded below A in every bench inspection, as in the e2e test. */
const DEDUCTIONS = [
  { itemId: 'T01', grade: 'C#' },
  { itemId: 'T03', grade: 'B' },
  { itemId: 'T05', grade: 'C' },
] as const;

function get(name: string): Opened {
  const found = opened.get(name);
  if (!found) throw new Error(`database ${name} is not open`);
  return found;
}

/** The base JPEG with a comment segment `civic-inspect bench photo 00000042` right after SOI. */
function variant(base: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  return withJpegComment(base, `civic-inspect bench photo ${String(n).padStart(8, '0')}`);
}

const api: SyncHarnessApi = {
  async open(name, username, password) {
    const db = await openCivicDatabase(name);
    const services = createServices(db, undefined);
    await signIn(services, username, password);
    const session = await getSession(db);
    if (!session) throw new Error('no session after sign-in');
    opened.set(name, { db, api: services.api, services, token: session.token, userId: session.user.id });
  },

  async makeBasePhotos(fixtureUrl, count): Promise<BasePhotos> {
    const original = await (await fetch(fixtureUrl)).arrayBuffer();
    const processMs: number[] = [];
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      const result = await processPhoto(original.slice(0), {
        siteName: `第${index + 1}号社区新时代文明实践站`,
        itemLabel: 'T03 阵地标识',
        inspectorName: '测评员',
        takenAt: new Date(Date.UTC(2021, 6, 19, 1, 30, index)).toISOString(),
        gps: { lat: 34.746_63, lng: 113.625_41, accuracy: 12 },
        kind: 'inspection',
      });
      processMs.push(Math.round(performance.now() - started));
      bases.push({
        jpeg: new Uint8Array(result.jpeg),
        thumbnail: new Blob([result.thumbnail], { type: 'image/jpeg' }),
        width: result.width,
        height: result.height,
        originalBytes: result.originalBytes,
      });
    }
    return { bytes: bases.map((base) => base.jpeg.length), processMs };
  },

  async fill(name, roundId, siteIds, firstPhoto): Promise<FillResult> {
    const { db, userId } = get(name);
    if (bases.length === 0) throw new Error('makeBasePhotos first');
    const rubric = (await db.rubrics.get('2021'))?.types.station;
    if (!rubric) throw new Error('no station rubric in the bootstrap');
    const started = performance.now();
    let photoNumber = firstPhoto;
    for (const siteId of siteIds) {
      const now = () => new Date();
      const inspection = await openInspection(db, {
        roundId,
        siteId,
        inspectorId: userId,
        rubricVersion: '2021',
        now: now(),
      });
      for (const { itemId, grade } of DEDUCTIONS) {
        await updateAnswer(db, inspection.id, itemId, { grade }, now());
        const base = bases[photoNumber % bases.length]!;
        const bytes = variant(base.jpeg, photoNumber);
        photoNumber += 1;
        await attachPhoto(
          db,
          inspection.id,
          itemId,
          {
            sha256: await sha256Hex(bytes),
            blob: new Blob([bytes], { type: 'image/jpeg' }),
            thumbnail: base.thumbnail,
            width: base.width,
            height: base.height,
            bytes: bytes.length,
            originalBytes: base.originalBytes,
            capturedAt: now().toISOString(),
            inspectorId: userId,
          },
          now(),
        );
      }
      for (const item of rubric.items) {
        if (DEDUCTIONS.some((deduction) => deduction.itemId === item.id)) continue;
        await updateAnswer(db, inspection.id, item.id, { grade: 'A' }, now());
      }
      const submitted = await submitInspection(db, inspection.id, now());
      if (!submitted.ok) throw new Error(`submit failed: ${JSON.stringify(submitted.problems)}`);
    }
    const ms = performance.now() - started;
    const pending = await pendingEntries(db, Date.now());
    const photos = pending.filter((entry) => entry.kind === 'photo');
    return {
      inspections: pending.length - photos.length,
      photos: photos.length,
      photoBytes: photos.reduce((sum, entry) => sum + entry.bytes, 0),
      jsonBytes: pending.filter((entry) => entry.kind !== 'photo').reduce((sum, entry) => sum + entry.bytes, 0),
      ms,
    };
  },

  async drain(name): Promise<DrainResult> {
    const { db, api: client } = get(name);
    const before = await pendingEntries(db, Date.now());
    let inspectionRequestMs = 0;
    const startedAt = new Map<number, number>();
    let requests = 0;
    const onEvent = (event: SyncEvent) => {
      if (event.type === 'entry-started') startedAt.set(event.entry.seq, performance.now());
      if (event.type === 'entry-finished') {
        requests += 1;
        if (event.entry.kind !== 'photo')
          inspectionRequestMs += performance.now() - (startedAt.get(event.entry.seq) ?? performance.now());
      }
    };
    // As src/app/sync/sync-service.ts builds it, each port timed on the way through.
    const spent: Record<string, number> = {};
    const spans: [number, number][] = [];
    const engine = createSyncEngine({
      store: timed(outboxSyncStore(db), spent, 'store.'),
      transport: timed(createHttpTransport(client), spent, 'http.', spans),
      clock: { now: () => Date.now() },
      onEvent,
    });
    const started = performance.now();
    let runs = 0;
    let left = before.length;
    while (runs < 50) {
      runs += 1;
      const summary = await engine.run();
      const outbox = await outboxSummary(db);
      left = outbox.pending + outbox.attention;
      if (left === 0 || summary.nextRunAt === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, summary.nextRunAt! - Date.now())));
    }
    const ms = performance.now() - started;
    const photos = before.filter((entry) => entry.kind === 'photo');
    return {
      ms,
      requests,
      photos: photos.length,
      photoBytes: photos.reduce((sum, entry) => sum + entry.bytes, 0),
      jsonBytes: before.filter((entry) => entry.kind !== 'photo').reduce((sum, entry) => sum + entry.bytes, 0),
      runs,
      left,
      inspectionRequestMs,
      spent,
      ...requestTimes(spans),
    };
  },

  async plainLoop(name): Promise<DrainResult> {
    const { db, token } = get(name);
    // Everything in memory first: the loop measures the network and the server only.
    const requests: { path: string; type: string; body: Blob | string; photo: boolean }[] = [];
    for (const entry of await pendingEntries(db, Date.now())) {
      if (entry.kind === 'photo') {
        const photo = await db.photos.get(entry.key);
        if (!photo) throw new Error(`photo ${entry.key} missing`);
        const bytes = await photo.blob.arrayBuffer();
        requests.push({
          path: `/api/photos/${entry.key}`,
          type: 'image/jpeg',
          body: new Blob([bytes], { type: 'image/jpeg' }),
          photo: true,
        });
      } else if (entry.kind === 'inspection') {
        requests.push({
          path: `/api/inspections/${entry.payload.id}`,
          type: 'application/json',
          body: JSON.stringify(entry.payload),
          photo: false,
        });
      }
    }
    const spans: [number, number][] = [];
    const started = performance.now();
    for (const request of requests) {
      const sent = performance.now();
      const response = await fetch(request.path, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': request.type, Accept: 'application/json' },
        body: request.body,
      });
      await response.text();
      if (response.status !== 201) throw new Error(`PUT ${request.path} → ${response.status}`);
      spans.push([sent, performance.now()]);
    }
    const ms = performance.now() - started;
    const photos = requests.filter((request) => request.photo);
    return {
      ms,
      requests: requests.length,
      photos: photos.length,
      photoBytes: photos.reduce((sum, request) => sum + (request.body as Blob).size, 0),
      jsonBytes: requests
        .filter((request) => !request.photo)
        .reduce((sum, request) => sum + new TextEncoder().encode(request.body as string).length, 0),
      runs: 1,
      left: 0,
      ...requestTimes(spans),
    };
  },
};

/** The same object with every method's time added up in `spent` under `prefix + name`. */
function timed<T extends object>(
  target: T,
  spent: Record<string, number>,
  prefix: string,
  spans?: [number, number][],
): T {
  const wrapped = { ...target };
  for (const [name, method] of Object.entries(target)) {
    if (typeof method !== 'function') continue;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      } finally {
        const ended = performance.now();
        spent[prefix + name] = (spent[prefix + name] ?? 0) + ended - started;
        spans?.push([started, ended]);
      }
    };
  }
  return wrapped;
}

/**
 * Time with at least one request in flight, and time with none between the first request and
 * the last answer (the engine's own serial overhead). The engine overlaps photo uploads, so
 * spans are merged first.
 */
function requestTimes(spans: [number, number][]): { inRequests: number; between: number } {
  let inRequests = 0;
  let between = 0;
  let busyUntil: number | undefined;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (busyUntil === undefined || start > busyUntil) {
      if (busyUntil !== undefined) between += start - busyUntil;
      inRequests += end - start;
      busyUntil = end;
    } else if (end > busyUntil) {
      inRequests += end - busyUntil;
      busyUntil = end;
    }
  }
  return { inRequests, between };
}

window.syncHarness = api;
document.getElementById('status')!.textContent = 'ready';
