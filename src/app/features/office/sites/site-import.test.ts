/**
 * Reading site lists as offices have them: GBK and UTF-8 (BOM) CSV, Chinese or English
 * headers, a title row above the header, types written several ways, Excel workbooks — and
 * every row checked with the domain's site schema, errors per row and field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import writeXlsxFile from 'write-excel-file/universal';
import { describe, expect, it } from 'vitest';
import { buildPreview, decodeText, importableSites, previewFile, SITE_TYPE_ALIASES, siteTypeOf } from './site-import';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const gbk = new Uint8Array(readFileSync(path.join(FIXTURES, 'sites-gbk.csv')));
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('decoding', () => {
  it('reads a GBK file (invalid as UTF-8) as GBK, and UTF-8 with or without BOM as UTF-8', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
    const decoded = decodeText(gbk);
    expect(decoded.encoding).toBe('gbk');
    expect(decoded.text.startsWith('编号,名称,类型,区县,上级编号,地址,纬度,经度')).toBe(true);
    expect(decodeText(utf8('\uFEFF编号,名称')).text).toBe('编号,名称');
    expect(decodeText(utf8('编号,名称')).encoding).toBe('utf-8');
  });
});

describe('the GBK fixture', async () => {
  const preview = await previewFile({ name: 'sites-gbk.csv', bytes: gbk }, new Set(['XH-C']));

  it('maps the Chinese header and reads every data row with its line number', () => {
    expect(preview).toMatchObject({ format: 'csv', encoding: 'gbk', headerLine: 1, missingColumns: [] });
    expect(preview.columns).toEqual({ id: 0, name: 1, type: 2, district: 3, parentId: 4, address: 5, lat: 6, lng: 7 });
    expect(preview.rows.map((row) => [row.line, row.status])).toEqual([
      [2, 'update'],
      [3, 'new'],
      [4, 'new'],
      [5, 'new'],
      [6, 'error'],
      [7, 'error'],
      [8, 'error'],
    ]);
  });

  it('turns good rows into sites of the domain schema', () => {
    const sites = importableSites(preview);
    expect(sites).toHaveLength(4);
    expect(sites[0]).toEqual({
      id: 'XH-C',
      name: '新华区新时代文明实践中心',
      type: 'center',
      district: '新华区',
      address: '建设路 1 号',
      lat: 33.7453,
      lng: 113.2951,
    });
    expect(sites[2]).toMatchObject({ id: 'XH-S-001', type: 'station', parentId: 'XH-I-01' });
    expect(sites[3]).toMatchObject({ id: 'XH-S-002', type: 'station' }); // 实践站
  });

  it('explains each bad row: missing name, unknown type, repeated id', () => {
    const bad = preview.rows.filter((row) => row.status === 'error');
    expect(bad.map((row) => row.issues)).toEqual([
      [{ field: 'name', code: 'required' }],
      [{ field: 'type', code: 'unknown_type' }],
      [{ field: 'id', code: 'duplicate', value: 4 }],
    ]);
    expect(bad.every((row) => row.site === undefined)).toBe(true);
  });
});

describe('headers, types and values', () => {
  it('accepts English headers, a title row above them, extra columns and blank lines', () => {
    const table = [
      ['2021年新华区点位表', '', ''],
      ['Code', 'Name', 'Type', 'District', 'Remarks', 'Latitude', 'Longitude'],
      ['S1', 'A station', 'station', 'Xinhua', 'x', '33.7', '113.2'],
      ['', '', '', '', '', '', ''],
      ['I1', 'An institute', 'Institute', 'Xinhua', '', '', ''],
    ];
    const preview = buildPreview(table, new Set());
    expect(preview.headerLine).toBe(2);
    expect(preview.ignoredHeaders).toEqual(['Remarks']);
    expect(preview.rows.map((row) => [row.line, row.site?.type])).toEqual([
      [3, 'station'],
      [5, 'institute'],
    ]);
  });

  it('names the required columns a file lacks', () => {
    const preview = buildPreview(
      [
        ['编号', '名称', '地址'],
        ['S1', '站', '路'],
      ],
      new Set(),
    );
    expect(preview.missingColumns).toEqual(['type', 'district']);
    expect(preview.rows).toEqual([]);
  });

  it('checks codes, lengths, numbers, ranges and coordinate pairs', () => {
    const preview = buildPreview(
      [
        ['编号', '名称', '类型', '区县', '纬度', '经度', '上级编号'],
        ['bad id!', '站', '站', '新华区', '', '', ''],
        ['S2', '站'.repeat(101), '站', '新华区', '', '', ''],
        ['S3', '站', '站', '新华区', '北纬33', '113', ''],
        ['S4', '站', '站', '新华区', '95', '113', ''],
        ['S5', '站', '站', '新华区', '33.7', '', ''],
        ['S6', '站', '站', '', '', '', ''],
        ['S7', '站', '站', '新华区', '', '', 'NOPE'],
      ],
      new Set(),
    );
    expect(preview.rows.map((row) => row.issues)).toEqual([
      [{ field: 'id', code: 'invalid_code' }],
      [{ field: 'name', code: 'too_long', value: 100 }],
      [{ field: 'lat', code: 'not_a_number' }],
      [{ field: 'lat', code: 'out_of_range' }],
      [{ field: 'lng', code: 'lat_lng_pair' }],
      [{ field: 'district', code: 'required' }],
      [],
    ]);
    expect(preview.rows[6]).toMatchObject({ status: 'new', unknownParent: true });
  });

  it('knows the ways types are written', () => {
    expect(
      ['中心', '新时代文明实践中心', '所', '实践所', '站', '新时代文明实践站', 'Station', 'centre', ' 站 '].map(
        siteTypeOf,
      ),
    ).toEqual(['center', 'center', 'institute', 'institute', 'station', 'station', 'station', 'center', 'station']);
    expect(siteTypeOf('社区')).toBeUndefined();
  });

  it('accepts exactly the type names and their aliases: 文化站, 派出所, 卫生站, 党群服务中心 are row errors', () => {
    for (const [type, words] of Object.entries(SITE_TYPE_ALIASES))
      for (const word of words) expect([word, siteTypeOf(word)]).toEqual([word, type]);
    const others = ['文化站', '派出所', '卫生站', '党群服务中心', '文明实践站', '服务站', '站点', 'stations'];
    expect(others.map(siteTypeOf)).toEqual(others.map(() => undefined));
    const preview = buildPreview(
      [['编号', '名称', '类型', '区县'], ...others.map((type, index) => [`S${index}`, '某某', type, '新华区'])],
      new Set(),
    );
    expect(preview.rows.map((row) => [row.status, row.site, row.issues])).toEqual(
      others.map(() => ['error', undefined, [{ field: 'type', code: 'unknown_type' }]]),
    );
  });
});

describe('Excel', () => {
  it('reads the first sheet of an .xlsx, numbers as numbers', async () => {
    const blob = await writeXlsxFile([
      ['编号', '名称', '类型', '区县', '纬度', '经度'],
      ['WD-S-1', '东安路社区新时代文明实践站', '站', '卫东区', 33.73, 113.33],
      ['WD-S-2', '', '站', '卫东区', null, null],
    ]).toBlob();
    const preview = await previewFile(
      { name: '点位.xlsx', bytes: new Uint8Array(await blob.arrayBuffer()) },
      new Set(['WD-S-1']),
    );
    expect(preview.format).toBe('xlsx');
    expect(preview.encoding).toBeUndefined();
    expect(preview.rows.map((row) => row.status)).toEqual(['update', 'error']);
    expect(preview.rows[0]!.site).toEqual({
      id: 'WD-S-1',
      name: '东安路社区新时代文明实践站',
      type: 'station',
      district: '卫东区',
      lat: 33.73,
      lng: 113.33,
    });
  });
});
