/**
 * Test helpers for citizens' reports: a report body, a real proof of work solved here (the
 * same rule the phone's worker follows), and sending both through the API.
 */
import { createHash, randomUUID } from 'node:crypto';
import { leadingZeroBits, proofInput, type CitizenReport, type Proof } from '../../domain/citizen-reports';
import { expectStatus, jpeg, sha256, type ApiClient, type ApiResponse } from './api-harness';

export interface ChallengeBody {
  challenge: string;
  bits: number;
  expiresAt: string;
}

export interface ReceiptBody {
  id: string;
  code: string;
  status: string;
  receivedAt: string;
}

/** A valid report of the site; `photos` are hashes of bytes the caller keeps. */
export function citizenReport(siteId: string, overrides: Partial<CitizenReport> = {}): CitizenReport {
  return {
    id: randomUUID(),
    siteId,
    category: 'closed_when_open',
    description: '周六上午九点大门紧锁，门口无人',
    photos: [],
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

/** The smallest nonce (base 36) whose hash has the challenge's leading zero bits. */
export function solveProof(challenge: ChallengeBody, reportId: string): Proof {
  for (let n = 0; ; n++) {
    const nonce = n.toString(36);
    const digest = createHash('sha256')
      .update(proofInput(challenge.challenge, reportId, nonce))
      .digest('hex');
    if (leadingZeroBits(digest) >= challenge.bits) return { challenge: challenge.challenge, nonce };
  }
}

export async function freshProof(api: ApiClient, reportId: string): Promise<Proof> {
  const response = expectStatus(await api.get<ChallengeBody>('/api/public/report-challenge'), 200, 'challenge');
  return solveProof(response.body, reportId);
}

/** Sends the report with a freshly solved proof (and the token, for a 市民记者). */
export async function sendReport(
  api: ApiClient,
  report: CitizenReport,
  options: { token?: string | undefined; proof?: boolean; headers?: Record<string, string> } = {},
): Promise<ApiResponse<ReceiptBody>> {
  const proof = options.proof === false ? undefined : await freshProof(api, report.id);
  return api.raw<ReceiptBody>({
    method: 'POST',
    path: '/api/public/reports',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ report, ...(proof && { proof }) }),
    token: options.token,
  });
}

/** A photo's bytes and its entry in a report. */
export function reportPhoto(label: string) {
  const bytes = jpeg({ label });
  return { bytes, entry: { sha256: sha256(bytes), capturedAt: new Date().toISOString() } };
}

export function putReportPhoto(api: ApiClient, reportId: string, bytes: Uint8Array, hash = sha256(bytes)) {
  return api.raw({
    method: 'PUT',
    path: `/api/public/reports/${reportId}/photos/${hash}`,
    headers: { 'content-type': 'image/jpeg' },
    body: bytes,
  });
}
