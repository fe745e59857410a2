/**
 * Importing sites from the files city offices actually have: CSV saved by Excel or WPS (UTF-8,
 * with or without BOM, or GBK — the default of Chinese Windows) and `.xlsx` workbooks. Headers
 * in Chinese or English (编号/名称/类型/区县/上级编号/地址/纬度/经度, id/name/type/…), a title row
 * above the header is skipped, types written as one of SITE_TYPE_ALIASES (中心/所/站, in full
 * as 新时代文明实践站, or in English) and nothing else. Every row is checked with the domain's `siteSchema` — the server's own rules — so the
 * preview shows each row's problems before anything is saved.
 *
 * Pure apart from the parsers: the file's bytes in, a preview out. The component shows it.
 */
import Papa from 'papaparse';
import { SITE_TYPES, type SiteType } from '../../../../domain/rubric';
import { siteSchema, type Site } from '../../../../domain/wire';

export const IMPORT_FIELDS = ['id', 'name', 'type', 'district', 'parentId', 'address', 'lat', 'lng'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const REQUIRED_FIELDS: readonly ImportField[] = ['id', 'name', 'type', 'district'];

/** Header names people write, compared after `normalizeHeader`. */
const HEADER_ALIASES: Record<ImportField, readonly string[]> = {
  id: ['编号', '点位编号', '代码', '点位代码', '编码', 'id', 'code', 'siteid', 'sitecode'],
  name: ['名称', '点位名称', '阵地名称', '名字', 'name', 'sitename'],
  type: ['类型', '点位类型', '阵地类型', '类别', 'type', 'sitetype'],
  district: ['区县', '区', '县区', '区(县)', '县(市、区)', '县(市,区)', '所属区县', '所属区', '区域', 'district'],
  parentId: ['上级编号', '上级', '上级点位', '上级点位编号', '所属上级编号', 'parent', 'parentid', 'parent_id'],
  address: ['地址', '详细地址', '点位地址', 'address'],
  lat: ['纬度', 'lat', 'latitude'],
  lng: ['经度', 'lng', 'lon', 'long', 'longitude'],
};

/**
 * The type names a file may use, exactly (after NFKC, without spaces, case-insensitive): the
 * short names 中心/所/站, the longer 实践中心/实践所/实践站 and 新时代文明实践中心/所/站, and the
 * English words. Nothing else: 文化站, 派出所 or 党群服务中心 are other institutions, not a
 * type to guess from their last character (README "The office's workspace" lists these).
 */
export const SITE_TYPE_ALIASES: Record<SiteType, readonly string[]> = {
  center: ['中心', '实践中心', '新时代文明实践中心', 'center', 'centre'],
  institute: ['所', '实践所', '新时代文明实践所', 'institute'],
  station: ['站', '实践站', '新时代文明实践站', 'station'],
};

const TYPE_WORDS: ReadonlyMap<string, SiteType> = new Map(
  SITE_TYPES.flatMap((type) => SITE_TYPE_ALIASES[type].map((word) => [word, type] as const)),
);

export type ImportIssueCode =
  | 'required'
  | 'invalid_code'
  | 'too_long'
  | 'unknown_type'
  | 'not_a_number'
  | 'out_of_range'
  | 'lat_lng_pair'
  | 'duplicate'
  | 'invalid';

export interface ImportIssue {
  field: ImportField;
  code: ImportIssueCode;
  /** For `too_long`: the limit; for `duplicate`: the line the id first appeared on. */
  value?: number;
}

/** A field an update row changes: the value on the server, the value in the file. */
export interface SiteChange {
  field: ImportField;
  from: string | number | null;
  to: string | number | null;
}

export interface ImportRow {
  /** Line (CSV) or row (Excel) number in the file, 1-based, as the user sees it. */
  line: number;
  /** The cells as read, by field. */
  raw: Partial<Record<ImportField, string>>;
  /** Every cell of the row as read, in the file's column order (for the rejected-rows file). */
  cells: string[];
  status: 'new' | 'update' | 'error';
  site?: Site;
  issues: ImportIssue[];
  /** A parent id that is neither in the file nor on the server (saved anyway: it may come later). */
  unknownParent?: boolean;
  /** For an update, when the existing sites were given: the fields it changes (empty: none). */
  changes?: SiteChange[];
}

export interface ImportPreview {
  fileName: string;
  format: 'csv' | 'xlsx';
  /** The text encoding of a CSV file. */
  encoding?: 'utf-8' | 'gbk';
  /** Which column holds which field (0-based). */
  columns: Partial<Record<ImportField, number>>;
  headerLine: number;
  /** The header row's cells as read. */
  header: string[];
  missingColumns: ImportField[];
  ignoredHeaders: string[];
  rows: ImportRow[];
}

export type Cell = string | number | boolean | Date | null | undefined;

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else GBK. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gbk' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk' };
  }
}

export function parseCsv(text: string): string[][] {
  const result = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
  return result.data;
}

/** Reads the first sheet of an `.xlsx` file (read-excel-file, loaded on first use). */
export async function readXlsx(data: ArrayBuffer): Promise<Cell[][]> {
  const { readSheet } = await import('read-excel-file/universal');
  return (await readSheet(data)) as unknown as Cell[][];
}

export function isExcelFile(name: string, bytes: Uint8Array): boolean {
  // An .xlsx is a ZIP: "PK\x03\x04".
  return /\.xlsx$/i.test(name) || (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04);
}

/**
 * The sites already saved: their ids tell new sites from updates; given as a map, the sites
 * themselves also let the preview show what each update changes.
 */
export type ExistingSites = ReadonlySet<string> | ReadonlyMap<string, Site>;

/** Reads a CSV or Excel file into a preview; `existingIds` tells new sites from updates. */
export async function previewFile(
  file: { name: string; bytes: Uint8Array },
  existingIds: ExistingSites,
): Promise<ImportPreview> {
  if (isExcelFile(file.name, file.bytes)) {
    const buffer = file.bytes.slice().buffer;
    return { fileName: file.name, format: 'xlsx', ...buildPreview(await readXlsx(buffer), existingIds) };
  }
  const { text, encoding } = decodeText(file.bytes);
  return { fileName: file.name, format: 'csv', encoding, ...buildPreview(parseCsv(text), existingIds) };
}

export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC') // full-width （） → ()
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

function fieldOf(header: string): ImportField | undefined {
  const key = normalizeHeader(header);
  return IMPORT_FIELDS.find((field) => HEADER_ALIASES[field].includes(key));
}

export function siteTypeOf(value: string): SiteType | undefined {
  return TYPE_WORDS.get(value.normalize('NFKC').replace(/\s/g, '').toLowerCase());
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/** The header is the first of the first five rows naming at least three known fields. */
function findHeader(table: readonly Cell[][]): number {
  for (let index = 0; index < Math.min(5, table.length); index += 1) {
    const fields = new Set((table[index] ?? []).map((cell) => fieldOf(cellText(cell))).filter(Boolean));
    if (fields.size >= 3) return index;
  }
  return 0;
}

export function buildPreview(
  table: readonly Cell[][],
  existingIds: ExistingSites,
): Omit<ImportPreview, 'fileName' | 'format' | 'encoding'> {
  const headerIndex = findHeader(table);
  const header = (table[headerIndex] ?? []).map(cellText);
  const columns: Partial<Record<ImportField, number>> = {};
  const ignoredHeaders: string[] = [];
  header.forEach((name, column) => {
    const field = fieldOf(name);
    if (field && columns[field] === undefined) columns[field] = column;
    else if (name) ignoredHeaders.push(name);
  });
  const missingColumns = REQUIRED_FIELDS.filter((field) => columns[field] === undefined);
  if (missingColumns.length > 0) {
    return { columns, headerLine: headerIndex + 1, header, missingColumns, ignoredHeaders, rows: [] };
  }

  const firstLine = new Map<string, number>();
  const rows: ImportRow[] = [];
  table.slice(headerIndex + 1).forEach((cells, offset) => {
    const raw: Partial<Record<ImportField, string>> = {};
    for (const field of IMPORT_FIELDS) {
      const column = columns[field];
      if (column !== undefined) raw[field] = cellText(cells[column]);
    }
    if (IMPORT_FIELDS.every((field) => !raw[field])) return; // a blank row
    const line = headerIndex + offset + 2;
    const row = checkRow(line, raw, existingIds);
    row.cells = cells.map(cellText);
    const id = row.site?.id ?? raw.id;
    if (id) {
      const first = firstLine.get(id);
      if (first !== undefined) row.issues.push({ field: 'id', code: 'duplicate', value: first });
      else firstLine.set(id, line);
    }
    if (row.issues.length > 0) {
      row.status = 'error';
      delete row.site;
    }
    const saved = existingIds instanceof Map ? (existingIds as ReadonlyMap<string, Site>) : undefined;
    const before = row.status === 'update' && row.site ? saved?.get(row.site.id) : undefined;
    if (before && row.site) row.changes = changesOf(before, row.site);
    rows.push(row);
  });

  const known = new Set([...existingIds, ...firstLine.keys()]);
  for (const row of rows) {
    if (row.site?.parentId && !known.has(row.site.parentId)) row.unknownParent = true;
  }
  return { columns, headerLine: headerIndex + 1, header, missingColumns, ignoredHeaders, rows };
}

/** The fields whose saved value the import would replace (an omitted optional field becomes empty). */
function changesOf(before: Site, after: Site): SiteChange[] {
  const changes: SiteChange[] = [];
  for (const field of IMPORT_FIELDS) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (from !== to) changes.push({ field, from, to });
  }
  return changes;
}

function checkRow(line: number, raw: Partial<Record<ImportField, string>>, existingIds: ExistingSites): ImportRow {
  const issues: ImportIssue[] = [];
  const type = raw.type ? siteTypeOf(raw.type) : undefined;
  if (raw.type && !type) issues.push({ field: 'type', code: 'unknown_type' });
  const number = (field: 'lat' | 'lng') => {
    const text = raw[field];
    if (!text) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) {
      issues.push({ field, code: 'not_a_number' });
      return undefined;
    }
    return value;
  };
  const lat = number('lat');
  const lng = number('lng');
  if ((lat === undefined) !== (lng === undefined) && !issues.some((issue) => issue.code === 'not_a_number')) {
    issues.push({ field: lat === undefined ? 'lat' : 'lng', code: 'lat_lng_pair' });
  }
  const candidate = {
    id: raw.id ?? '',
    name: raw.name ?? '',
    type: type ?? raw.type ?? '',
    district: raw.district ?? '',
    ...(raw.parentId && { parentId: raw.parentId }),
    ...(raw.address && { address: raw.address }),
    ...(lat !== undefined && { lat }),
    ...(lng !== undefined && { lng }),
  };
  const parsed = siteSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as ImportField;
      if (issues.some((known) => known.field === field)) continue;
      issues.push(toImportIssue(field, issue, candidate));
    }
  }
  const site = parsed.success ? parsed.data : undefined;
  return {
    line,
    raw,
    cells: [],
    status: site && existingIds.has(site.id) ? 'update' : 'new',
    ...(site && { site }),
    issues,
  };
}

function toImportIssue(
  field: ImportField,
  issue: { code: string; maximum?: unknown; minimum?: unknown },
  candidate: Record<string, unknown>,
): ImportIssue {
  const value = candidate[field];
  if (value === undefined || value === '') return { field, code: 'required' };
  if (field === 'type') return { field, code: 'unknown_type' };
  if (field === 'lat' || field === 'lng') return { field, code: 'out_of_range' };
  if (issue.code === 'too_big' && typeof issue.maximum === 'number')
    return { field, code: 'too_long', value: issue.maximum };
  if (issue.code === 'too_small') return { field, code: 'required' };
  if (field === 'id' || field === 'parentId') return { field, code: 'invalid_code' };
  return { field, code: 'invalid' };
}

/**
 * The rows the import leaves out, as a table to fix and import again: the file's header and
 * cells as read, plus a reason column (`reason` words each row's issues).
 */
export function rejectedTable(
  preview: Pick<ImportPreview, 'header' | 'rows'>,
  reasonHeader: string,
  reason: (row: ImportRow) => string,
): string[][] {
  const width = Math.max(preview.header.length, ...preview.rows.map((row) => row.cells.length));
  const pad = (cells: readonly string[]) => [...cells, ...Array<string>(width - cells.length).fill('')];
  return [
    [...pad(preview.header), reasonHeader],
    ...preview.rows.filter((row) => row.status === 'error').map((row) => [...pad(row.cells), reason(row)]),
  ];
}

/** The sites of the rows that passed, in file order. */
export function importableSites(preview: ImportPreview): Site[] {
  return preview.rows.flatMap((row) => (row.site ? [row.site] : []));
}
