import { describe, expect, it } from 'vitest';
import type { Site } from '../../../../domain/wire';
import { assignmentPairs, chunks, coverageByDistrict, existingPairs, matchSites, sitesPerUser } from './assignments';

const sites: Site[] = [
  { id: 'C1', name: '中心', type: 'center', district: '新华区' },
  { id: 'I1', name: '所', type: 'institute', district: '新华区' },
  { id: 'S1', name: '站1', type: 'station', district: '新华区' },
  { id: 'S2', name: '站2', type: 'station', district: '卫东区' },
];

describe('bulk assignment', () => {
  it('covers the sites of the chosen districts and types', () => {
    const chosen = matchSites(sites, {
      districts: new Set(['新华区']),
      types: new Set(['institute', 'station'] as const),
    });
    expect(chosen.map((site) => site.id)).toEqual(['I1', 'S1']);
    expect(assignmentPairs(chosen, 'u1')).toEqual([
      { siteId: 'I1', userId: 'u1' },
      { siteId: 'S1', userId: 'u1' },
    ]);
    expect(matchSites(sites, { districts: new Set(), types: new Set(['station'] as const) })).toEqual([]);
  });

  it('removes only pairs that exist, and chunks large lists', () => {
    const assignments = [
      { siteId: 'S1', userId: 'u1' },
      { siteId: 'S2', userId: 'u2' },
    ];
    expect(existingPairs(assignmentPairs(sites, 'u1'), assignments)).toEqual([{ siteId: 'S1', userId: 'u1' }]);
    expect(chunks(Array.from({ length: 12_001 }, (_, i) => i)).map((chunk) => chunk.length)).toEqual([
      5000, 5000, 2001,
    ]);
  });

  it('summarises coverage per district and sites per person', () => {
    const assignments = [
      { siteId: 'S1', userId: 'u1' },
      { siteId: 'S1', userId: 'u2' },
      { siteId: 'C1', userId: 'u1' },
    ];
    expect(coverageByDistrict(sites, assignments)).toEqual([
      { district: '卫东区', sites: 1, assigned: 0 },
      { district: '新华区', sites: 3, assigned: 2 },
    ]);
    expect(sitesPerUser(assignments)).toEqual(
      new Map([
        ['u1', 2],
        ['u2', 1],
      ]),
    );
  });
});
