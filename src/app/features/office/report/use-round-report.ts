/**
 * The round report (`GET /api/rounds/{id}/report`) and the rubric, refetched whenever the
 * round's feed sees new inspections, the previous figures staying on screen meanwhile.
 */
import type { RoundReport } from '../../../../domain/report';
import type { Rubric } from '../../../../domain/rubric';
import { useRound } from '../rounds/round-context';
import { useOffice } from '../shared/office-context';
import { useLoad, type Loaded } from '../shared/use-load';

export interface ReportData {
  report: RoundReport;
  rubric: Rubric;
  /** An item's title in Chinese (the bulletin, an official document, is always in Chinese). */
  itemTitle: (itemId: string) => string;
  /** An item's title in the interface's language, for the report's tables. */
  itemTitleShown: (itemId: string, english: boolean) => string;
}

/** Key of a report fetch started ahead (by `RoundWorkspace`, while the round itself loads). */
export const prefetchKey = (roundId: string) => `report:${roundId}`;

export function useRoundReport(): Loaded<ReportData> {
  const { api, prefetched } = useOffice();
  const { round, feed } = useRound();
  return useLoad(
    // Version 0 (feed loading) and 1 (first list) share a key: one fetch at start, one per arrival after.
    `report:${round.id}:${Math.max(1, feed.version)}`,
    async (signal) => {
      const early = prefetched.get(prefetchKey(round.id)) as Promise<RoundReport> | undefined;
      prefetched.delete(prefetchKey(round.id));
      const [report, rubric] = await Promise.all([
        early ?? api.report(round.id, signal),
        api.rubric(round.rubricVersion),
      ]);
      const items = new Map(
        Object.values(rubric.types).flatMap((file) => file.items.map((item) => [item.id, item] as const)),
      );
      const itemTitleShown = (itemId: string, english: boolean) => {
        const item = items.get(itemId);
        return item ? (english ? item.titleEn : item.title) : itemId;
      };
      return { report, rubric, itemTitle: (itemId: string) => itemTitleShown(itemId, false), itemTitleShown };
    },
    { keepData: true },
  );
}
