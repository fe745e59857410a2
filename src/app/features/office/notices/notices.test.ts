/**
 * 整改通知书 from the round's rectifications: one notice per site with open items (closed ones
 * and sites with none left out), items in rubric order with the inspector's note and the first
 * before-photo, the earliest due date, the district filter, the official district order, and
 * the unit's link only when the server gives one.
 */
import { describe, expect, it } from 'vitest';
import type { RectificationView } from '../../../api/office-api';
import { buildNotices, type NoticeInput } from './notices';

const SITES: NoticeInput['sites'] = new Map([
  ['XH-S-001', { name: '曙光街社区新时代文明实践站', type: 'station', district: '新华区', address: '曙光街 12 号' }],
  ['XH-I-01', { name: '曙光街街道新时代文明实践所', type: 'institute', district: '新华区', address: null }],
  ['WD-S-001', { name: '五一路社区新时代文明实践站', type: 'station', district: '卫东区' }],
  ['WD-S-002', { name: '建设路社区新时代文明实践站', type: 'station', district: '卫东区' }],
]);
const TITLES: Record<string, string> = {
  T16: '公益广告完好',
  T18: '室内卫生（无积尘）',
  T2: '阵地标识',
  I05: '制度上墙',
};

function rectification(siteId: string, itemId: string, extra: Partial<RectificationView> = {}): RectificationView {
  return {
    id: `R~${siteId}~${itemId}`,
    roundId: 'R',
    siteId,
    itemId,
    grade: 'C#',
    dueOn: '2021-08-03',
    status: 'open',
    beforePhotos: [],
    ...extra,
  };
}

const input = (rectifications: RectificationView[], extra: Partial<NoticeInput> = {}): NoticeInput => ({
  round: { name: '2021年7月模拟测评' },
  rectifications,
  sites: SITES,
  itemTitle: (itemId) => TITLES[itemId] ?? itemId,
  ...extra,
});

describe('整改通知书', () => {
  const rectifications = [
    rectification('XH-S-001', 'T18', { note: '活动室积尘', beforePhotos: ['a'.repeat(64), 'b'.repeat(64)] }),
    rectification('XH-S-001', 'T16', { note: ' 公益广告破损 ', dueOn: '2021-08-02', beforePhotos: ['c'.repeat(64)] }),
    rectification('XH-S-001', 'T2', { status: 'closed', closedAt: '2021-07-30T02:00:00Z' }),
    rectification('WD-S-001', 'T16'),
    rectification('WD-S-002', 'T18', { status: 'closed' }),
    rectification('XH-I-01', 'I05', { dueOn: '2021-08-05' }),
  ];

  it('makes one notice per site with open items, its items in rubric order with note, one photo and due date', () => {
    const notices = buildNotices(input(rectifications));
    expect(notices.map((notice) => notice.siteId)).toEqual(['WD-S-001', 'XH-I-01', 'XH-S-001']);
    const station = notices[2]!;
    expect(station).toMatchObject({
      siteName: '曙光街社区新时代文明实践站',
      district: '新华区',
      address: '曙光街 12 号',
      dueOn: '2021年8月2日',
      unitLink: undefined,
    });
    expect(station.items).toEqual([
      {
        index: 1,
        itemId: 'T16',
        title: '公益广告完好',
        note: '公益广告破损',
        photo: 'c'.repeat(64),
        dueOn: '2021年8月2日',
      },
      {
        index: 2,
        itemId: 'T18',
        title: '室内卫生（无积尘）',
        note: '活动室积尘',
        photo: 'a'.repeat(64),
        dueOn: '2021年8月3日',
      },
    ]);
    expect(station.opening).toBe(
      '在2021年7月模拟测评中，曙光街社区新时代文明实践站有2项未达到测评标准（见下表）。' +
        '请对照问题逐项整改，于2021年8月2日前整改到位，并扫描下方二维码反馈整改情况（整改后照片）。' +
        '逾期未整改或整改不到位的，将在通报中予以批评。',
    );
    expect(notices[0]!.items[0]).toMatchObject({ note: '', photo: undefined });
  });

  it('keeps to one district when asked, and follows the official district order', () => {
    expect(buildNotices(input(rectifications, { district: '卫东区' })).map((notice) => notice.siteId)).toEqual([
      'WD-S-001',
    ]);
    const ordered = buildNotices(input(rectifications, { districtOrder: ['新华区', '卫东区'] }));
    // Within a district: institutes before stations.
    expect(ordered.map((notice) => notice.siteId)).toEqual(['XH-I-01', 'XH-S-001', 'WD-S-001']);
  });

  it("carries the site's unit link when it has one", () => {
    const unitLinks = new Map([['WD-S-001', 'https://example.org/unit/abc123']]);
    const notices = buildNotices(input(rectifications, { unitLinks }));
    expect(notices.map((notice) => [notice.siteId, notice.unitLink])).toEqual([
      ['WD-S-001', 'https://example.org/unit/abc123'],
      ['XH-I-01', undefined],
      ['XH-S-001', undefined],
    ]);
  });

  it('has nothing to print when every item is closed', () => {
    expect(buildNotices(input([rectification('WD-S-002', 'T18', { status: 'closed' })]))).toEqual([]);
  });
});
