// @vitest-environment happy-dom
/**
 * The report tables show exactly the figures of the round report (built here by the domain's
 * `buildRoundReport`, as the server does): per type with totals, per district with ranks, the
 * common problems with counts and example photos (fetched through the office's photo cache),
 * and the rectification list with due dates, overdue ones marked by Shanghai's today.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildRoundReport, type InspectionResult, type RoundReport } from '../../../../domain/report';
import { scoreInspection } from '../../../../domain/scoring';
import { answersFor, RUBRIC_2021 } from '../../../../domain/test-fixtures';
import type { Site } from '../../../../domain/wire';
import type { OfficeApi } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { OfficeProvider } from '../shared/office-context';
import { PhotoViewer, type PhotoEntry } from '../shared/photos';
import { CommonProblems, DistrictTable, RectificationList, TypeTable } from './ReportTables';

const SITES: Site[] = [
  { id: 'XH-C', name: '新华区中心', type: 'center', district: '新华区' },
  { id: 'XH-S1', name: '曙光街站', type: 'station', district: '新华区' },
  { id: 'XH-S2', name: '光明路站', type: 'station', district: '新华区' },
  { id: 'WD-I1', name: '东安路所', type: 'institute', district: '卫东区' },
  { id: 'WD-S1', name: '五一路站', type: 'station', district: '卫东区' },
  { id: 'ZH-S1', name: '未测评站', type: 'station', district: '湛河区' },
];
const GRADES: Record<string, Record<string, 'B' | 'C#'>> = {
  'XH-C': { C06: 'B' },
  'XH-S1': {},
  'XH-S2': { T16: 'C#', T18: 'C#' },
  'WD-I1': { I04: 'C#', I09: 'C#' },
  'WD-S1': { T18: 'C#' },
};
const SUBMITTED: Record<string, string> = {
  'XH-S2': '2021-07-05T02:00:00Z', // due 2021-07-20
  'WD-I1': '2021-07-10T02:00:00Z', // due 2021-07-25
};

function report(): RoundReport {
  const results: InspectionResult[] = Object.entries(GRADES).map(([siteId, grades]) => {
    const type = SITES.find((site) => site.id === siteId)!.type;
    const scored = scoreInspection(RUBRIC_2021[type].items, answersFor(type, grades));
    return {
      inspectionId: `i-${siteId}`,
      revision: 1,
      siteId,
      submittedAt: SUBMITTED[siteId] ?? '2021-07-05T02:00:00Z',
      ...scored,
    };
  });
  const titles = new Map(
    Object.values(RUBRIC_2021)
      .flatMap((file) => file.items)
      .map((item) => [item.id, item.title]),
  );
  const built = buildRoundReport({
    round: { id: 'R', rectifyBelow: 90, rectifyDays: 15 },
    sites: SITES,
    results,
    itemTitle: (itemId) => titles.get(itemId) ?? itemId,
    // One of WD-I1's rectifications was rechecked and closed out.
    rectificationState: (siteId, itemId) =>
      siteId === 'WD-I1' && itemId === 'I04' ? { id: 'R~WD-I1~I04', status: 'closed' } : undefined,
  });
  const t18 = built.commonProblems.find((problem) => problem.itemId === 'T18')!;
  t18.examplePhotos = ['a'.repeat(64), 'b'.repeat(64)];
  t18.exampleSites = ['XH-S2', 'WD-S1'];
  return built;
}

const photoUrl = vi.fn(async (sha256: string) => `blob:photo-${sha256.slice(0, 4)}`);
function Office({ children }: { children: ReactNode }) {
  return (
    <OfficeProvider
      value={{
        api: {} as OfficeApi,
        user: { id: 'u', username: 'sup', displayName: '创文办', role: 'supervisor' },
        now: () => new Date('2021-07-22T04:00:00Z'),
        photos: { url: photoUrl, dispose: () => undefined },
        prefetched: new Map(),
      }}
    >
      {children}
    </OfficeProvider>
  );
}

const cells = (row: HTMLElement) => Array.from(row.children, (cell) => cell.textContent);
const bodyRows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(cleanup);

describe('report tables', () => {
  const data = report();

  it('shows per type: sites, inspected, full marks, to rectify, average — and the totals', () => {
    render(<TypeTable report={data} />);
    const table = screen.getByTestId('report-by-type');
    const { center, institute, station } = data.byType;
    expect(bodyRows(table).map(cells)).toEqual([
      ['中心', '1', '1', '0', '0', String(center.averageScore)],
      ['所', '1', '1', '0', '1', String(institute.averageScore)],
      ['站', '4', '3', '1', '1', String(station.averageScore)],
      ['合计', '6', '5', '1', '2', '—'],
    ]);
    expect(station.averageScore).toBe(93); // (100 + 86 + 93) / 3
  });

  it('ranks the districts, and shows a district without results last without a rank', () => {
    render(<DistrictTable report={data} />);
    const rows = bodyRows(screen.getByTestId('report-by-district')).map(cells);
    expect(rows).toEqual(
      data.byDistrict.map((row) => [
        row.rank === null ? '—' : String(row.rank),
        row.district,
        String(row.sites),
        String(row.inspected),
        String(row.fullMarks),
        String(row.toRectify),
        row.averageScore === null ? '—' : String(row.averageScore),
      ]),
    );
    expect(rows.map((row) => row[1])).toEqual(['新华区', '卫东区', '湛河区']);
    expect(rows[2]![0]).toBe('—');
  });

  it('lists common problems with the number of sites and their example photos', async () => {
    const onOpenPhoto = vi.fn();
    render(
      <Office>
        <CommonProblems
          report={data}
          siteById={new Map(SITES.map((site) => [site.id, site]))}
          onOpenPhoto={onOpenPhoto}
        />
      </Office>,
    );
    const rows = bodyRows(screen.getByTestId('report-problems'));
    expect(rows.map((row) => cells(row).slice(0, 3))).toEqual(
      data.commonProblems.map((problem, index) => [
        String(index + 1),
        `${problem.itemId} ${problem.title}`,
        String(problem.sites),
      ]),
    );
    expect(cells(rows[0]!).slice(1, 3)).toEqual([
      `T18 ${RUBRIC_2021.station.items.find((i) => i.id === 'T18')!.title}`,
      '2',
    ]);
    const images = await waitFor(() => {
      const found = within(rows[0]!).getAllByRole('img');
      expect(found).toHaveLength(2);
      return found;
    });
    expect(images.map((image) => image.getAttribute('src'))).toEqual(['blob:photo-aaaa', 'blob:photo-bbbb']);
    fireEvent.click(within(rows[0]!).getAllByRole('button')[1]!);
    const caption = `T18 ${RUBRIC_2021.station.items.find((i) => i.id === 'T18')!.title}`;
    // Each photo says which site it is from: in its text alternative and in the viewer.
    expect(images.map((image) => image.getAttribute('alt'))).toEqual([
      `${caption}，光明路站（新华区）`,
      `${caption}，五一路站（卫东区）`,
    ]);
    expect(onOpenPhoto).toHaveBeenCalledWith(
      [
        { sha256: 'a'.repeat(64), caption, site: '光明路站（新华区）' },
        { sha256: 'b'.repeat(64), caption, site: '五一路站（卫东区）' },
      ],
      1,
    );
    const [entries, index] = onOpenPhoto.mock.calls[0] as [PhotoEntry[], number];
    render(
      <Office>
        <PhotoViewer photos={entries} index={index} onIndex={vi.fn()} onClose={vi.fn()} />
      </Office>,
    );
    const viewer = screen.getByRole('dialog');
    expect(within(viewer).getByTestId('photo-site').textContent).toBe('五一路站（卫东区）');
    expect(within(viewer).getByText('点位')).toBeTruthy();
  });

  it('draws the thumbnails the report names and fetches a full photo only for the viewer', async () => {
    const full = 'a'.repeat(64);
    const small = 'c'.repeat(64);
    const broken = 'd'.repeat(64);
    const withThumbnails = report();
    const t18 = withThumbnails.commonProblems.find((problem) => problem.itemId === 'T18')!;
    t18.examplePhotos = [full, 'b'.repeat(64), 'e'.repeat(64)];
    t18.exampleSites = ['XH-S2', 'WD-S1', 'WD-S1'];
    // The first has a thumbnail; the second none (old data); the third one that fails to load.
    t18.exampleThumbnails = [small, null, broken];
    const fetched: string[] = [];
    const url = vi.fn(async (sha256: string) => {
      fetched.push(sha256.slice(0, 4));
      if (sha256 === broken) throw new Error('404');
      return `blob:photo-${sha256.slice(0, 4)}`;
    });
    const onOpenPhoto = vi.fn();
    render(
      <OfficeProvider
        value={{
          api: {} as OfficeApi,
          user: { id: 'u', username: 'sup', displayName: '创文办', role: 'supervisor' },
          now: () => new Date('2021-07-22T04:00:00Z'),
          photos: { url, dispose: () => undefined },
          prefetched: new Map(),
        }}
      >
        <CommonProblems report={withThumbnails} onOpenPhoto={onOpenPhoto} />
      </OfficeProvider>,
    );
    const row = bodyRows(screen.getByTestId('report-problems'))[0]!;
    await waitFor(() => expect(within(row).getAllByRole('img')).toHaveLength(3));
    expect(
      within(row)
        .getAllByRole('img')
        .map((image) => image.getAttribute('src')),
    ).toEqual([
      'blob:photo-cccc', // the thumbnail, not the photo
      'blob:photo-bbbb', // no thumbnail: the photo itself
      'blob:photo-eeee', // the thumbnail failed: the photo after all
    ]);
    expect(fetched).not.toContain('aaaa');
    // Opening a thumbnail shows the full photo in the viewer.
    fireEvent.click(within(row).getAllByRole('button')[0]!);
    const [entries, index] = onOpenPhoto.mock.calls[0] as [PhotoEntry[], number];
    expect(entries[index]!.sha256).toBe(full);
  });

  it('titles the common problems in the language it is given (the report itself sends Chinese)', () => {
    const english = (itemId: string) =>
      Object.values(RUBRIC_2021)
        .flatMap((file) => file.items)
        .find((item) => item.id === itemId)!.titleEn;
    render(
      <Office>
        <CommonProblems report={data} itemTitle={english} />
      </Office>,
    );
    const rows = bodyRows(screen.getByTestId('report-problems'));
    expect(cells(rows[0]!)[1]).toBe(`T18 ${english('T18')}`);
    expect(english('T18')).not.toBe(data.commonProblems[0]!.title);
  });

  it('lists rectifications by due date, marking overdue ones as of Shanghai today', () => {
    const siteById = new Map(SITES.map((site) => [site.id, site]));
    render(<RectificationList report={data} siteById={siteById} itemTitle={(id) => `题${id}`} today="2021-07-22" />);
    // WD-S1 (93) is above the line: only XH-S2 (86) and WD-I1 (86) must rectify.
    expect(screen.getByRole('status').textContent).toBe('共 4 项，待整改 3 项，已逾期 2 项（截至北京时间 2021-07-22）');
    const table = screen.getByTestId('rectification-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(cells)).toEqual([
      ['光明路站', '新华区', 'T16 题T16', 'C#', '2021-07-20', '已逾期'],
      ['光明路站', '新华区', 'T18 题T18', 'C#', '2021-07-20', '已逾期'],
      ['东安路所', '卫东区', 'I04 题I04', 'C#', '2021-07-25', '已销号'],
      ['东安路所', '卫东区', 'I09 题I09', 'C#', '2021-07-25', '待整改'],
    ]);
  });

  it('opens what a site’s score rests on from its rectification row (查看依据)', () => {
    const siteById = new Map(SITES.map((site) => [site.id, site]));
    const onTrail = vi.fn();
    render(
      <RectificationList
        report={data}
        siteById={siteById}
        itemTitle={(id) => `题${id}`}
        today="2021-07-22"
        onTrail={onTrail}
      />,
    );
    fireEvent.click(screen.getAllByRole('button', { name: '东安路所 的依据' })[0]!);
    expect(onTrail).toHaveBeenCalledWith('WD-I1');
  });
});
