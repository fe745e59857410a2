/**
 * The export writers: CSV that Excel opens with Chinese intact (BOM, CRLF, quoting, no formula
 * injection) and XLSX workbooks that read back (with read-excel-file) to the same cells and
 * types; and the three export tables built from a report, results and the real rubric.
 */
import readXlsxFile from 'read-excel-file/universal';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { buildRoundReport } from '../../../../domain/report';
import type { Rubric } from '../../../../domain/rubric';
import { scoreInspection } from '../../../../domain/scoring';
import { answersFor, RUBRIC_2021 } from '../../../../domain/test-fixtures';
import type { Site } from '../../../../domain/wire';
import type { RoundResult } from '../../../../domain/report';
import { csvCell, toCsv } from './csv';
import {
  ITEM_HEADER,
  RECTIFICATION_HEADER,
  RESULT_HEADER,
  itemRows,
  itemScore,
  rectificationRows,
  resultRows,
  type ExportContext,
} from './export-rows';
import { xlsxBlob } from './xlsx';

describe('CSV writer', () => {
  it('starts with a BOM, ends lines with CRLF and quotes what needs quoting', () => {
    const csv = toCsv([
      ['编号', '名称', '得分'],
      ['XH-S-001', '曙光街社区"新时代"文明实践站', 98.5],
      ['XH-S-002', '光明路, 二号', null],
      ['XH-S-003', '第一行\n第二行', 0],
    ]);
    expect(csv.startsWith('\uFEFF编号,名称,得分\r\n')).toBe(true);
    expect(csv).toContain('XH-S-001,"曙光街社区""新时代""文明实践站",98.5\r\n');
    expect(csv).toContain('XH-S-002,"光明路, 二号",\r\n');
    expect(csv.endsWith('XH-S-003,"第一行\n第二行",0\r\n')).toBe(true);
    // Parses back to the same cells.
    const parsed = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data;
    expect(parsed[1]).toEqual(['XH-S-001', '曙光街社区"新时代"文明实践站', '98.5']);
    expect(parsed[3]).toEqual(['XH-S-003', '第一行\n第二行', '0']);
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+86 123')).toBe("'+86 123");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('XLSX writer', () => {
  it('writes one sheet per table that reads back to the same cells, numbers as numbers', async () => {
    const blob = await xlsxBlob([
      {
        name: '测评结果',
        rows: [
          ['区县', '点位名称', '得分'],
          ['新华区', '曙光街社区新时代文明实践站', 98.5],
          ['卫东区', '=1+1', 86],
        ],
      },
      {
        name: '整改清单',
        rows: [
          ['序号', '问题'],
          [1, '室内卫生（无积尘）'],
        ],
      },
    ]);
    const sheets = await readXlsxFile(await blob.arrayBuffer());
    expect(sheets.map((sheet) => sheet.sheet)).toEqual(['测评结果', '整改清单']);
    expect(sheets[0]!.data).toEqual([
      ['区县', '点位名称', '得分'],
      ['新华区', '曙光街社区新时代文明实践站', 98.5],
      ['卫东区', '=1+1', 86],
    ]);
    expect(sheets[1]!.data).toEqual([
      ['序号', '问题'],
      [1, '室内卫生（无积尘）'],
    ]);
  });
});

describe('export tables', () => {
  const rubric: Rubric = { version: '2021', types: RUBRIC_2021 };
  const sites: Site[] = [
    { id: 'S2', name: '光明路社区新时代文明实践站', type: 'station', district: '新华区' },
    { id: 'S1', name: '曙光街社区新时代文明实践站', type: 'station', district: '新华区' },
    { id: 'I1', name: '东安路街道新时代文明实践所', type: 'institute', district: '卫东区' },
    { id: 'S9', name: '未测评的站', type: 'station', district: '卫东区' },
  ];
  const grades = (type: 'station' | 'institute', overrides: Record<string, 'B' | 'C#'>) =>
    Object.fromEntries(answersFor(type, overrides).map((answer) => [answer.itemId, answer.grade]));
  const result = (siteId: string, type: 'station' | 'institute', overrides: Record<string, 'B' | 'C#'>) => {
    const scored = scoreInspection(RUBRIC_2021[type].items, answersFor(type, overrides));
    return {
      inspectionId: `i-${siteId}`,
      revision: 1,
      siteId,
      inspectorId: 'u-1',
      submittedAt: '2021-07-05T02:00:00.000Z',
      receivedAt: '2021-07-05T02:00:01.000Z',
      score: scored.score,
      fullMarks: scored.fullMarks,
      grades: grades(type, overrides),
      deductions: scored.deductions,
    };
  };
  const inspected = [
    result('S1', 'station', { T16: 'C#', T18: 'C#' }),
    result('S2', 'station', {}),
    result('I1', 'institute', { I04: 'B' }),
  ];
  const report = buildRoundReport({
    round: { id: 'R', rectifyBelow: 90, rectifyDays: 15 },
    sites,
    results: inspected,
    itemTitle: (itemId) => itemId,
  });
  const results: RoundResult[] = inspected.map(({ deductions: _, ...rest }) => rest);
  results[0]!.notes = { T18: '活动室积尘' };
  results[0]!.defects = { T18: 3 };
  results[0]!.flags = [{ code: 'gallery_photo', photos: ['a'.repeat(64)] }, { code: 'no_site_position' }];
  results[1]!.flags = [];
  const context: ExportContext = {
    round: { rectifyBelow: 90 },
    sites,
    userName: (id) => (id === 'u-1' ? '张测评' : id),
    report,
    results,
    rubric,
    today: '2021-07-25',
  };

  it('lists every site of the scope by district, type and id, uninspected ones too', () => {
    const { name, rows } = resultRows(context);
    expect(name).toBe('测评结果');
    expect(rows[0]).toEqual([...RESULT_HEADER]);
    expect(rows.slice(1).map((row) => row[1])).toEqual(['I1', 'S9', 'S1', 'S2']);
    expect(rows[3]).toEqual([
      '新华区',
      'S1',
      '曙光街社区新时代文明实践站',
      '站',
      '已测评',
      86,
      '否',
      '是',
      2,
      '张测评',
      '2021-07-05 10:00',
      1,
      '相册照片；点位无坐标',
    ]);
    expect(rows[4]!.slice(4, 8)).toEqual(['已测评', 100, '是', '否']);
    // Proof of presence: a clean result's cell is empty; one checked before the checks existed says so.
    const flags = RESULT_HEADER.indexOf('核验提示');
    expect(rows.slice(1).map((row) => row[flags])).toEqual(['未核验', null, '相册照片；点位无坐标', '']);
    // An uninspected site says so in its status column; 得分 and 满分 stay empty.
    expect(rows[2]!.slice(4)).toEqual(['未测评', null, null, null, null, null, null, null, null]);
    const fullMarks = RESULT_HEADER.indexOf('满分');
    expect(rows.slice(1).map((row) => row[fullMarks])).toEqual(['否', null, '否', '是']);
  });

  it('gives one row per rubric item of each result with its points at the grade', () => {
    const { rows } = itemRows(context);
    expect(rows[0]).toEqual([...ITEM_HEADER]);
    expect(rows).toHaveLength(1 + RUBRIC_2021.institute.items.length + 2 * RUBRIC_2021.station.items.length);
    const t18 = rows.find((row) => row[1] === 'S1' && row[4] === 'T18')!;
    expect(t18).toEqual([
      '新华区',
      'S1',
      '曙光街社区新时代文明实践站',
      '站',
      'T18',
      '环境卫生',
      RUBRIC_2021.station.items.find((item) => item.id === 'T18')!.title,
      7,
      'C#',
      3,
      0,
      '活动室积尘',
      '相册照片；点位无坐标',
    ]);
    const i04 = rows.find((row) => row[1] === 'I1' && row[4] === 'I04')!;
    expect(i04.slice(7, 11)).toEqual([6, 'B', null, 3.96]);
    // The per-item points add up to the site's score (no NA here).
    const s1 = rows.filter((row) => row[1] === 'S1').reduce((sum, row) => sum + (row[10] as number), 0);
    expect(Math.round(s1 * 100) / 100).toBe(86);
  });

  it('lists the rectifications with due date, state and overdue flag', () => {
    const { rows } = rectificationRows(context);
    expect(rows[0]).toEqual([...RECTIFICATION_HEADER]);
    expect(rows.slice(1)).toEqual([
      [
        1,
        '新华区',
        'S1',
        '曙光街社区新时代文明实践站',
        '站',
        'T16',
        RUBRIC_2021.station.items.find((item) => item.id === 'T16')!.title,
        'C#',
        '2021-07-20',
        '待整改',
        '是',
      ],
      [
        2,
        '新华区',
        'S1',
        '曙光街社区新时代文明实践站',
        '站',
        'T18',
        RUBRIC_2021.station.items.find((item) => item.id === 'T18')!.title,
        'C#',
        '2021-07-20',
        '待整改',
        '是',
      ],
    ]);
    const notYet = rectificationRows({ ...context, today: '2021-07-20' });
    expect(notYet.rows[1]![10]).toBe('否');
  });

  it('scores an item from its points and grade factor', () => {
    expect(itemScore({ points: 7 }, 'A')).toBe(7);
    expect(itemScore({ points: 7 }, 'B')).toBe(4.62);
    expect(itemScore({ points: 7 }, 'C')).toBe(2.31);
    expect(itemScore({ points: 7 }, 'C#')).toBe(0);
    expect(itemScore({ points: 7 }, 'NA')).toBeNull();
    expect(itemScore({ points: 7 }, undefined)).toBeNull();
  });
});
