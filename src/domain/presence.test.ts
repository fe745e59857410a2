import { describe, expect, it } from 'vitest';
import { distanceM, presenceFlags, type PresenceInput } from './presence';

// 新华区文明实践中心, roughly; 0.001° of latitude is about 111 m.
const SITE = { lat: 33.7453, lng: 113.2951 };
const ROUND = { radiusM: 200, startsOn: '2026-12-01', endsOn: '2026-12-20' };

function input(overrides: Partial<PresenceInput> = {}): PresenceInput {
  return {
    site: SITE,
    sitePositionFromPhone: false,
    round: ROUND,
    fixes: [{ ...SITE, accuracy: 10, at: '2026-12-07T02:00:00.000Z', stage: 'open' }],
    photos: [],
    ...overrides,
  };
}

describe('distanceM', () => {
  it('measures a thousandth of a degree of latitude as about 111 m', () => {
    expect(distanceM(SITE, { lat: SITE.lat + 0.001, lng: SITE.lng })).toBeCloseTo(111.2, 0);
  });
});

describe('presenceFlags', () => {
  it('gives a visit on site with camera photos no flag, and its time on site', () => {
    const result = presenceFlags(
      input({
        photos: [
          { sha256: 'a', capturedAt: '2026-12-07T02:01:00.000Z', exifAt: '2026-12-07T02:01:00.000Z', source: 'camera' },
          { sha256: 'b', capturedAt: '2026-12-07T02:13:30.000Z', source: 'camera' },
        ],
      }),
    );
    expect(result).toEqual({ flags: [], timeOnSiteS: 750 });
  });

  it('flags no fix at all', () => {
    expect(presenceFlags(input({ fixes: [] })).flags).toEqual([{ code: 'no_fix' }]);
  });

  it('cannot measure without the site’s position', () => {
    expect(presenceFlags(input({ site: { lat: null, lng: null } })).flags).toEqual([{ code: 'no_site_position' }]);
  });

  it('widens the radius by the fix’s accuracy, and reports the furthest fix beyond it', () => {
    const near = {
      lat: SITE.lat + 0.0025,
      lng: SITE.lng,
      accuracy: 100,
      at: '2026-12-07T02:00:00Z',
      stage: 'open' as const,
    };
    const far = {
      lat: SITE.lat + 0.02,
      lng: SITE.lng,
      accuracy: 30,
      at: '2026-12-07T02:30:00Z',
      stage: 'submit' as const,
    };
    expect(presenceFlags(input({ fixes: [near] })).flags).toEqual([]); // 278 m < 200 + 100
    expect(presenceFlags(input({ fixes: [{ ...near, accuracy: 50 }, far] })).flags).toEqual([
      {
        code: 'far_from_site',
        distanceM: 2224,
        radiusM: 200,
        accuracyM: 30,
        stage: 'submit',
        at: '2026-12-07T02:30:00Z',
        beyond: 2,
        fixes: 2,
      },
    ]);
  });

  it('says when the site’s position came from this phone', () => {
    expect(presenceFlags(input({ sitePositionFromPhone: true })).flags).toEqual([{ code: 'site_position_from_phone' }]);
  });

  it('flags gallery photos, reused photos and capture times far from the watermark or outside the round', () => {
    const use = { inspectionId: 'x', roundId: 'R0', siteId: 'S2' };
    const { flags } = presenceFlags(
      input({
        photos: [
          { sha256: 'a', capturedAt: '2026-12-07T02:00:00Z', exifAt: '2026-12-07T02:09:00Z', source: 'camera' },
          { sha256: 'b', capturedAt: '2026-12-07T02:00:00Z', exifAt: '2026-11-20T01:00:00Z', source: 'gallery' },
          { sha256: 'c', capturedAt: '2026-12-07T02:05:00Z', usedElsewhere: [use] },
        ],
      }),
    );
    expect(flags).toEqual([
      { code: 'gallery_photo', photos: ['b'] },
      { code: 'reused_photo', photos: [{ sha256: 'c', uses: [use] }] },
      {
        code: 'capture_time_mismatch',
        photos: [{ sha256: 'b', exifAt: '2026-11-20T01:00:00Z', capturedAt: '2026-12-07T02:00:00Z', minutes: 24_540 }],
      },
      {
        code: 'capture_outside_round',
        startsOn: '2026-12-01',
        endsOn: '2026-12-20',
        photos: [{ sha256: 'b', exifAt: '2026-11-20T01:00:00Z' }],
      },
    ]);
  });

  it('reads the round’s dates in Shanghai: 23:30 UTC on the 20th is already the 21st there', () => {
    const { flags } = presenceFlags(
      input({ photos: [{ sha256: 'a', capturedAt: '2026-12-20T23:30:00Z', exifAt: '2026-12-20T23:30:00Z' }] }),
    );
    expect(flags.map((flag) => flag.code)).toEqual(['capture_outside_round']);
  });
});
