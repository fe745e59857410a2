import { describe, expect, it } from 'vitest';
import { cityDateTime } from './dates';
import { CSV_BOM, RECHECK_EXPORT_HEADER, csvCell, recheckResultsCsv, type RecheckExportRow } from './recheck-export';

const base: RecheckExportRow = {
  rectificationId: 'R1~S1~T16',
  roundName: '2021年7月模拟测评',
  district: '新华区',
  siteId: 'S1',
  siteName: '曙光街社区新时代文明实践站',
  siteType: 'station',
  itemId: 'T16',
  itemTitle: '公益广告完好',
  grade: 'C#',
  findingNote: '宣传栏海报破损',
  dueOn: '2021-07-20',
  status: 'closed',
  siteClosedOut: false,
  beforePhotos: 2,
  verdicts: 2,
  lastVerdict: {
    id: '6f1c1f0e-3c55-4c3e-9f3b-1a2b3c4d5e6f',
    verdict: 'fixed',
    note: '已更换新海报',
    photos: ['a'.repeat(64), 'b'.repeat(64)],
    checkedAt: '2021-08-02T02:05:00.000Z',
    checkedByName: '复查员乙',
  },
};

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks, RFC 4180 style', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(null)).toBe('');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    // Numbers are numbers, not text: no apostrophe.
    expect(csvCell(-1)).toBe('-1');
  });
});

describe('cityDateTime', () => {
  it('shows the instant in Asia/Shanghai, 24-hour', () => {
    expect(cityDateTime('2021-08-02T02:05:00.000Z')).toBe('2021-08-02 10:05');
    expect(cityDateTime('2021-08-01T16:30:00Z')).toBe('2021-08-02 00:30');
  });
});

describe('recheckResultsCsv', () => {
  it('starts with a BOM and the Chinese header, ends lines with CRLF', () => {
    const csv = recheckResultsCsv([], '2021-08-05');
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    expect(csv).toBe(`${CSV_BOM}${RECHECK_EXPORT_HEADER.join(',')}\r\n`);
  });

  it('one row per rectification with its latest verdict', () => {
    const open: RecheckExportRow = {
      ...base,
      rectificationId: 'R1~S1~T18',
      itemId: 'T18',
      itemTitle: '室内卫生',
      grade: 'C',
      findingNote: null,
      status: 'open',
      verdicts: 0,
      beforePhotos: 1,
      lastVerdict: undefined,
    };
    const lines = recheckResultsCsv([base, open], '2021-08-05').slice(1).split('\r\n');
    expect(lines).toHaveLength(4); // header, two rows, the empty string after the last CRLF
    expect(lines[1]!.split(',')).toEqual([
      'R1~S1~T16',
      '2021年7月模拟测评',
      '新华区',
      'S1',
      '曙光街社区新时代文明实践站',
      '站',
      'T16',
      '公益广告完好',
      'C#',
      '宣传栏海报破损',
      '2021-07-20',
      '已销号',
      '否',
      '否',
      '2',
      '2',
      '已整改',
      '已更换新海报',
      '2021-08-02 10:05',
      '复查员乙',
      '2',
      `${'a'.repeat(64)} ${'b'.repeat(64)}`,
      '6f1c1f0e-3c55-4c3e-9f3b-1a2b3c4d5e6f',
    ]);
    expect(lines[2]!.split(',')).toEqual([
      'R1~S1~T18',
      '2021年7月模拟测评',
      '新华区',
      'S1',
      '曙光街社区新时代文明实践站',
      '站',
      'T18',
      '室内卫生',
      'C',
      '',
      '2021-07-20',
      '未销号',
      '是',
      '否',
      '1',
      '0',
      '未复查',
      '',
      '',
      '',
      '0',
      '',
      '',
    ]);
    expect(lines[3]).toBe('');
  });

  it('a note with commas, quotes and line breaks stays one cell', () => {
    const tricky = { ...base, lastVerdict: { ...base.lastVerdict!, note: '一楼,二楼\n"已整改"' } };
    const csv = recheckResultsCsv([tricky], '2021-08-05');
    expect(csv).toContain('"一楼,二楼\n""已整改"""');
  });
});
