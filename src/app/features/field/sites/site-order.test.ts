import { describe, expect, it } from 'vitest';
import type { Site } from '../../../../domain/wire';
import type { SiteState } from '../../../db/inspection-reads';
import { nextSiteToInspect } from './site-order';

const site = (id: string, name: string, district: string, type: Site['type'] = 'station'): Site => ({
  id,
  name,
  type,
  district,
  parentId: null,
  address: null,
  lat: null,
  lng: null,
});

// As the list shows them: 卫东区 before 新华区; in 新华区 the center first, then stations by name.
const SITES = [
  site('XH-S-2', '曙光街站', '新华区'),
  site('XH-S-1', '光明路站', '新华区'),
  site('XH-C-1', '新华区中心', '新华区', 'center'),
  site('WD-S-1', '东安路站', '卫东区'),
];
const states = (entries: Record<string, SiteState>) => new Map(Object.entries(entries));

describe('the next site to inspect after a submission', () => {
  it('is the next one down the list that nobody has inspected, wrapping around to the top', () => {
    expect(nextSiteToInspect(SITES, states({}), 'XH-C-1')?.id).toBe('XH-S-1');
    expect(nextSiteToInspect(SITES, states({ 'XH-S-1': 'inspected' }), 'XH-C-1')?.id).toBe('XH-S-2');
    expect(nextSiteToInspect(SITES, states({ 'WD-S-1': 'synced' }), 'XH-S-2')?.id).toBe('XH-C-1');
  });

  it('includes a draft left half done, and skips what this phone submitted or the server has', () => {
    const seen = states({ 'XH-S-1': 'submitted', 'XH-S-2': 'draft', 'WD-S-1': 'inspected' });
    expect(nextSiteToInspect(SITES, seen, 'XH-C-1')?.id).toBe('XH-S-2');
  });

  it('is none when every other site is done (the current one does not count)', () => {
    const done = states({ 'XH-S-1': 'submitted', 'XH-S-2': 'synced', 'WD-S-1': 'inspected', 'XH-C-1': 'draft' });
    expect(nextSiteToInspect(SITES, done, 'XH-C-1')).toBeUndefined();
  });
});
