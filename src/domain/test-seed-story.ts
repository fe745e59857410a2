/**
 * The round of the seed story (Pingdingshan, July 2021), for tests: six districts, each with a
 * center, its institutes and stations (6 / 43 / 115 sites), and what each inspection finds.
 * With a threshold of 90: 0 / 32 / 92 full marks and 1 / 11 / 23 sites to rectify. Built in
 * memory by report.test.ts and the bulletin test, and through the real server by
 * src/server/api.report.test.ts.
 */
import type { AnswerGrade } from './grades';
import type { SiteType } from './rubric';

export const SEED_DISTRICTS = ['新华区', '卫东区', '湛河区', '石龙区', '高新区', '示范区'] as const;
export type SeedDistrict = (typeof SEED_DISTRICTS)[number];

// Per district: [institutes, of them not full], [stations, of them not full].
const LAYOUT: Record<SeedDistrict, { institutes: [number, number]; stations: [number, number] }> = {
  新华区: { institutes: [8, 0], stations: [20, 0] },
  卫东区: { institutes: [8, 1], stations: [20, 2] },
  湛河区: { institutes: [7, 2], stations: [19, 4] },
  石龙区: { institutes: [7, 2], stations: [19, 5] },
  高新区: { institutes: [7, 3], stations: [19, 6] },
  示范区: { institutes: [6, 3], stations: [18, 6] },
};
// Findings: a poor center (79, in 示范区), and institutes and stations that lose 14 points on
// two items (86); every other center has a small finding, which the caller chooses.
const CENTER_POOR = { C01: 'C#', C09: 'C#', C11: 'C#' } as const;
const INSTITUTE_POOR = { I04: 'C#', I09: 'C#' } as const;
const STATION_POOR = { T16: 'C#', T18: 'C#' } as const;

export const SEED_SUBMITTED = '2021-07-05T10:00:00+08:00';
/** The poor center's inspection: 01:30 in Shanghai on 19 July, still the 18th in UTC. */
export const SEED_SUBMITTED_AFTER_MIDNIGHT = '2021-07-19T01:30:00+08:00';

export interface SeedInspection {
  /** Institutes under their district's center, stations under an institute. */
  site: { id: string; name: string; type: SiteType; district: SeedDistrict; parentId: string | null };
  grades: Record<string, AnswerGrade>;
  submittedAt: string;
}

/** The 164 sites of the story, each with what its inspection finds; `centerMinor` for the five other centers. */
export function seedStory(centerMinor: Record<string, AnswerGrade>): SeedInspection[] {
  const plan: SeedInspection[] = [];
  SEED_DISTRICTS.forEach((district, d) => {
    const id = (type: SiteType, n: number) => `${type[0]}${d + 1}-${n}`;
    const add = (
      type: SiteType,
      n: number,
      parentId: string | null,
      grades: Record<string, AnswerGrade>,
      submittedAt = SEED_SUBMITTED,
    ) =>
      plan.push({
        site: { id: id(type, n), name: `${district}第${n}${type}`, type, district, parentId },
        grades,
        submittedAt,
      });
    const poorCenter = district === '示范区';
    add(
      'center',
      1,
      null,
      poorCenter ? CENTER_POOR : centerMinor,
      poorCenter ? SEED_SUBMITTED_AFTER_MIDNIGHT : undefined,
    );
    const { institutes, stations } = LAYOUT[district];
    for (let n = 1; n <= institutes[0]; n++)
      add('institute', n, id('center', 1), n <= institutes[1] ? INSTITUTE_POOR : {});
    for (let n = 1; n <= stations[0]; n++)
      add('station', n, id('institute', 1 + (n % institutes[0])), n <= stations[1] ? STATION_POOR : {});
  });
  return plan;
}
