/**
 * The resident's reports as a live list (我的反馈): re-renders when a report is queued, sent or
 * its handling read back, in this tab or another. Imported only by the citizen page's chunk.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { listCitizenReports } from './citizen-reports';
import type { CivicDatabase } from './database';

export function useCitizenReports(db: CivicDatabase) {
  return useLiveQuery(() => listCitizenReports(db), [db]);
}
