/** The office's CSV files: the domain's writer (the server streams the same cells), and a Blob of them. */
import { toCsv, type CsvCell } from '../../../../domain/csv';

export { csvCell, toCsv, type CsvCell } from '../../../../domain/csv';

export function csvBlob(rows: readonly (readonly CsvCell[])[]): Blob {
  return new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' });
}
