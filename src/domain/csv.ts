/**
 * CSV that Excel and WPS open correctly with Chinese text: UTF-8 with a BOM, CRLF line ends,
 * RFC 4180 quoting. Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
 * tab, CR at the start) get a leading apostrophe, so an exported site name can never become a
 * formula on the supervisor's computer (CSV injection). Numbers are written as numbers.
 */
export type CsvCell = string | number | boolean | null | undefined;

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export const CSV_BOM = BOM;

/** One CSV line with its CRLF. */
export function csvLine(row: readonly CsvCell[]): string {
  return `${row.map(csvCell).join(',')}\r\n`;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return BOM + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
