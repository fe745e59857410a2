/**
 * XLSX workbooks through write-excel-file (loaded on first use, so only an export pays for
 * it): one sheet per table, a bold frozen header row, column widths from the content. Cells
 * keep their type: scores are numbers in Excel, not text.
 */
import type { CsvCell } from './csv';

export interface SheetSpec {
  name: string;
  rows: readonly (readonly CsvCell[])[];
}

/** Excel counts width in characters; CJK characters take two. */
function displayWidth(cell: CsvCell): number {
  const text = cell === null || cell === undefined ? '' : String(cell);
  let width = 0;
  for (const char of text) width += /[\u2E80-\uFFEF]/.test(char) ? 2 : 1;
  return width;
}

export async function xlsxBlob(sheets: readonly SheetSpec[]): Promise<Blob> {
  const { default: writeXlsxFile } = await import('write-excel-file/universal');
  return writeXlsxFile(
    sheets.map((sheet) => {
      const columns = Math.max(0, ...sheet.rows.map((row) => row.length));
      const widths = Array.from({ length: columns }, (_, column) =>
        Math.min(60, Math.max(6, ...sheet.rows.slice(0, 500).map((row) => displayWidth(row[column]) + 2))),
      );
      return {
        sheet: sheet.name.slice(0, 31),
        stickyRowsCount: 1,
        columns: widths.map((width) => ({ width })),
        data: sheet.rows.map((row, index) =>
          row.map((cell) => {
            if (cell === null || cell === undefined || cell === '') return null;
            if (index === 0) return { value: String(cell), fontWeight: 'bold' as const };
            return typeof cell === 'number' ? { value: cell, type: Number } : { value: String(cell), type: String };
          }),
        ),
      };
    }),
  ).toBlob();
}
