/**
 * The part of `papaparse` the app uses: parsing a string already read from a File.
 * `@types/papaparse` also declares its Node streams and so pulls Node's globals into every file
 * of the app; tsconfig.app.json maps `papaparse` here instead (see qrcode.d.ts).
 */
export interface ParseError {
  type: string;
  code: string;
  message: string;
  row?: number;
}

export interface ParseResult<T> {
  data: T[];
  errors: ParseError[];
  meta: { delimiter: string; linebreak: string; aborted: boolean; truncated: boolean };
}

export interface ParseConfig {
  delimiter?: string;
  skipEmptyLines?: boolean | 'greedy';
}

declare const Papa: {
  parse<T>(input: string, config?: ParseConfig): ParseResult<T>;
};
export default Papa;
