/**
 * 刷新进度: reads each delivered report's handling from the server and keeps it on the phone.
 * A failed read (offline) keeps the last copy; a failed local write (storage full, a closed
 * database) must not end the round for the reports after it nor go unreported: the page says
 * the progress could not be kept.
 */
import type { CitizenReportStatusView } from '../../../domain/citizen-reports';

export interface RefreshPorts {
  read: (id: string) => Promise<CitizenReportStatusView | undefined>;
  keep: (id: string, status: CitizenReportStatusView) => Promise<void>;
  cancelled: () => boolean;
}

/** Resolves with whether any status read could not be kept on the phone. */
export async function refreshStatuses(ids: readonly string[], ports: RefreshPorts): Promise<{ keepFailed: boolean }> {
  let keepFailed = false;
  for (const id of ids) {
    const status = await ports.read(id).catch(() => undefined);
    if (ports.cancelled()) break;
    if (!status) continue;
    try {
      await ports.keep(id, status);
    } catch {
      keepFailed = true;
    }
  }
  return { keepFailed };
}
