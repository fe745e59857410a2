/**
 * A resident's reports on this phone (store `citizenReports`, schema v5). A report is frozen
 * when the resident taps 提交 — body, photos' bytes and thumbnails — and waits here until the
 * server has it and every photo (features/citizen/citizen-sender.ts sends it, with a proof of
 * work, when the link allows). Then it stays as the resident's tracking list (我的反馈): the id
 * made here is what the server answers the status for, so it is never deleted by the app.
 */
import { citizenReportSchema, type CitizenReport, type CitizenReportStatusView } from '../../domain/citizen-reports';
import type { CivicDatabase } from './database';
import { writeTransaction } from './database';

export interface LocalCitizenPhoto {
  sha256: string;
  blob: Blob;
  thumbnailSha256: string;
  thumbnail: Blob;
}

/** waiting: something is still to send; delivered: the server holds it all; attention: refused. */
export type CitizenSendState = 'waiting' | 'delivered' | 'attention';

export interface LocalCitizenReport {
  id: string;
  /** The body as sent, frozen at 提交 (retries send exactly this). */
  report: CitizenReport;
  /** For the list, offline. */
  siteName: string;
  photos: LocalCitizenPhoto[];
  /** Hashes (photos and thumbnails) the server has confirmed. */
  sentHashes: string[];
  state: CitizenSendState;
  /** The server's receipt: the tracking code once the report itself is accepted. */
  code?: string;
  receivedAt?: string;
  attempts: number;
  nextAttemptAt: string;
  /** The last failure's code (API error code, `network`, `timeout`…), worded by the screens. */
  lastError?: string;
  /** The office's handling as last read from the server. */
  status?: CitizenReportStatusView;
  checkedAt?: string;
  createdAt: string;
}

export interface NewCitizenReport {
  report: CitizenReport;
  siteName: string;
  photos: LocalCitizenPhoto[];
}

/** Checks and freezes a report; it waits to be sent. Throws the schema's error for a bad one. */
export async function queueCitizenReport(db: CivicDatabase, input: NewCitizenReport, now: Date): Promise<void> {
  const report = citizenReportSchema.parse(input.report);
  const at = now.toISOString();
  await writeTransaction(db, ['citizenReports'], async () => {
    await db.citizenReports.add({
      id: report.id,
      report,
      siteName: input.siteName,
      photos: input.photos,
      sentHashes: [],
      state: 'waiting',
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
    });
  });
}

/** Reports with something left to send whose next attempt is due, oldest first. */
export async function dueCitizenReports(db: CivicDatabase, now: Date): Promise<LocalCitizenReport[]> {
  const all = await db.citizenReports.orderBy('createdAt').toArray();
  return all.filter((entry) => entry.state === 'waiting' && entry.nextAttemptAt <= now.toISOString());
}

/** Every report on the phone, newest first (我的反馈). */
export async function listCitizenReports(db: CivicDatabase): Promise<LocalCitizenReport[]> {
  return (await db.citizenReports.orderBy('createdAt').toArray()).reverse();
}

async function change(db: CivicDatabase, id: string, apply: (entry: LocalCitizenReport) => void): Promise<void> {
  await writeTransaction(db, ['citizenReports'], async () => {
    const entry = await db.citizenReports.get(id);
    if (!entry) return;
    apply(entry);
    await db.citizenReports.put(entry);
  });
}

/** The server took the report: its tracking code. */
export const recordReceipt = (db: CivicDatabase, id: string, receipt: { code: string; receivedAt: string }) =>
  change(db, id, (entry) => {
    entry.code = receipt.code;
    entry.receivedAt = receipt.receivedAt;
    entry.lastError = undefined;
  });

/** The server has this photo or thumbnail; the report is delivered once it has them all. */
export const recordPhotoSent = (db: CivicDatabase, id: string, sha256: string) =>
  change(db, id, (entry) => {
    if (!entry.sentHashes.includes(sha256)) entry.sentHashes.push(sha256);
    if (entry.code && unsentHashes(entry).length === 0) entry.state = 'delivered';
  });

export const recordDelivered = (db: CivicDatabase, id: string) =>
  change(db, id, (entry) => {
    entry.state = 'delivered';
    entry.lastError = undefined;
  });

export const recordRetry = (db: CivicDatabase, id: string, code: string, nextAttemptAt: Date) =>
  change(db, id, (entry) => {
    entry.attempts += 1;
    entry.lastError = code;
    entry.nextAttemptAt = nextAttemptAt.toISOString();
  });

/** Refused for good (bad input the phone cannot fix by retrying): shown, not retried. */
export const recordAttention = (db: CivicDatabase, id: string, code: string) =>
  change(db, id, (entry) => {
    entry.state = 'attention';
    entry.lastError = code;
  });

export const recordStatus = (db: CivicDatabase, id: string, status: CitizenReportStatusView, now: Date) =>
  change(db, id, (entry) => {
    entry.status = status;
    entry.checkedAt = now.toISOString();
  });

/** Makes every waiting report due now (the link came back, or 立即发送). */
export const wakeCitizenReports = (db: CivicDatabase, now: Date) =>
  writeTransaction(db, ['citizenReports'], async () => {
    await db.citizenReports
      .filter((entry) => entry.state === 'waiting')
      .modify((entry) => {
        entry.nextAttemptAt = now.toISOString();
      });
  });

/** The photos and thumbnails still to upload, in order. */
export function unsentHashes(entry: LocalCitizenReport): { sha256: string; blob: Blob }[] {
  return entry.photos
    .flatMap((photo) => [
      { sha256: photo.sha256, blob: photo.blob },
      { sha256: photo.thumbnailSha256, blob: photo.thumbnail },
    ])
    .filter((item) => !entry.sentHashes.includes(item.sha256));
}
