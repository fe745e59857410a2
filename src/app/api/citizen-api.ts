/**
 * Calls for citizens' reports over the app's one API client: the resident's open routes
 * (challenge, site lookup, report, photos, status, rating, handling figures) and the office's
 * triage routes. Imported only by lazy chunks (the report page, the office, the public ranking).
 */
import type {
  CitizenDecision,
  CitizenReport,
  CitizenReportStatusView,
  CitizenReportView,
  CitizenSettings,
  DistrictHandling,
  Proof,
  ReporterRecord,
} from '../../domain/citizen-reports';
import type { SiteType } from '../../domain/rubric';
import type { ApiClient, RequestOptions } from './api-client';

export interface PublicSite {
  id: string;
  name: string;
  district: string;
  type: SiteType;
}

export interface ChallengeView {
  challenge: string;
  bits: number;
  expiresAt: string;
}

export interface ReportReceipt {
  id: string;
  code: string;
  status: string;
  receivedAt: string;
}

export type CitizenApi = ReturnType<typeof createCitizenApi>;

const path = (value: string) => encodeURIComponent(value);

export function createCitizenApi(api: ApiClient) {
  const get = <T>(url: string, init?: RequestOptions) =>
    api.request<T>('GET', url, undefined, init).then((r) => r.data);
  return {
    challenge: () => get<ChallengeView>('/api/public/report-challenge'),
    site: (siteId: string, init?: RequestOptions) => get<PublicSite>(`/api/public/sites/${path(siteId)}`, init),
    searchSites: (words: string, init?: RequestOptions) =>
      get<PublicSite[]>(`/api/public/sites?q=${path(words)}`, init),
    sendReport: (report: CitizenReport, proof: Proof | undefined, init?: RequestOptions) =>
      api
        .request<ReportReceipt>('POST', '/api/public/reports', { report, ...(proof && { proof }) }, init)
        .then((r) => r.data),
    putPhoto: (reportId: string, sha256: string, blob: Blob, init?: RequestOptions) =>
      api.request<{ sha256: string }>('PUT', `/api/public/reports/${reportId}/photos/${sha256}`, blob, {
        ...init,
        contentType: blob.type || 'image/jpeg',
      }),
    status: (id: string, init?: RequestOptions) => get<CitizenReportStatusView>(`/api/public/reports/${id}`, init),
    rate: (id: string, rating: number) =>
      api.request<{ rating: number }>('POST', `/api/public/reports/${id}/rating`, { rating }).then((r) => r.data),
    handling: (init?: RequestOptions) =>
      get<{ districts: DistrictHandling[]; at: string }>('/api/public/handling', init),

    // The office's triage.
    /** A page of 500, oldest first; `after`: the last report's id of the previous page. */
    queue: (queue: 'open' | 'new' | 'all', init?: RequestOptions & { after?: string }) =>
      get<CitizenReportView[]>(`/api/citizen-reports?queue=${queue}${init?.after ? `&after=${init.after}` : ''}`, init),
    decide: (id: string, decision: CitizenDecision) =>
      api.request<CitizenReportView>('POST', `/api/citizen-reports/${id}/decisions`, decision).then((r) => r.data),
    photo: (id: string, sha256: string, init?: RequestOptions) =>
      api.getBlob(`/api/citizen-reports/${id}/photos/${sha256}`, init),
    settings: () => get<CitizenSettings>('/api/citizen-reports/settings'),
    saveSettings: (settings: CitizenSettings) =>
      api.request<CitizenSettings>('PUT', '/api/citizen-reports/settings', settings).then((r) => r.data),
    reporters: (init?: RequestOptions) => get<ReporterRecord[]>('/api/citizen-reports/reporters', init),
  };
}
