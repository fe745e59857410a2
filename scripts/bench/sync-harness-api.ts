/**
 * What the sync bench's harness page (sync-harness.html + sync-harness.ts) offers the Node side
 * (sync-bench.ts) as `window.syncHarness`. Types only: both sides import it.
 */

export interface BasePhotos {
  /** Sizes of the JPEGs the app's photo pipeline made from the fixture. */
  bytes: number[];
  /** Pipeline time per photo, ms. */
  processMs: number[];
}

export interface FillResult {
  inspections: number;
  photos: number;
  photoBytes: number;
  jsonBytes: number;
  ms: number;
}

export interface DrainResult {
  /** From the start of the first request to the outbox holding nothing pending. */
  ms: number;
  requests: number;
  photos: number;
  photoBytes: number;
  jsonBytes: number;
  /** Engine runs it took (1 when nothing failed). */
  runs: number;
  /** Outbox entries still pending or needing attention afterwards (should be 0). */
  left: number;
  /** Sum of the inspection requests' own durations (entry started → finished), engine only. */
  inspectionRequestMs?: number;
  /** Engine only: time spent in each store and transport method, ms. */
  spent?: Record<string, number>;
  /** Time inside requests (sent → answer read), and between them (answer → next request). */
  inRequests: number;
  between: number;
  /** The server's own time for the photo PUTs (from its request log), filled in on the Node side. */
  serverPhotoMs?: number;
}

export interface SyncHarnessApi {
  /**
   * Opens a fresh app database `name` and signs in through the app's session service (API
   * client, bootstrap saved to the database): what the app does at sign-in.
   */
  open(name: string, username: string, password: string): Promise<void>;
  /** Runs the fixture at `fixtureUrl` through the app's photo pipeline `count` times (different stamps). */
  makeBasePhotos(fixtureUrl: string, count: number): Promise<BasePhotos>;
  /**
   * One submitted inspection per site in database `name`, through the app's own code
   * (openInspection, updateAnswer, attachPhoto, submitInspection): three items below A with a
   * photo each, the rest A. Photo n is base photo n mod k with a unique JPEG comment, so every
   * photo is distinct and has its base's size (+ 36 bytes).
   */
  fill(name: string, roundId: string, siteIds: string[], firstPhoto: number): Promise<FillResult>;
  /** Drains the outbox of `name` with the app's sync engine, Dexie store and HTTP transport. */
  drain(name: string): Promise<DrainResult>;
  /**
   * The reference: reads the outbox of `name` into memory (photo bytes and inspection bodies),
   * then PUTs it with a plain `fetch` loop in the engine's order (a group's photos, then its
   * inspection). Nothing is written locally.
   */
  plainLoop(name: string): Promise<DrainResult>;
}

declare global {
  interface Window {
    syncHarness: SyncHarnessApi;
  }
}
