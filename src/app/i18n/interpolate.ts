/**
 * The two things the catalogues ask of a translation function, and nothing more: find a dotted
 * key in a nested catalogue, and fill `{{name}}` placeholders. It behaves as i18next (which the
 * app used before, ~20 kB of first load) does with `escapeValue: false` for these forms:
 * - a value is written with `String()`; `null` and `undefined` become '';
 * - a placeholder whose name is not among the values stays as written, `{{name}}`;
 * - a value is inserted as it is, never scanned for placeholders itself.
 * Plurals, nesting (`$t(…)`), formats (`{{n, number}}`) are not supported; i18n.test.ts checks
 * that no catalogue uses them.
 */

/** A nested catalogue: strings at the leaves. */
export interface Catalogue {
  readonly [key: string]: string | Catalogue;
}

/** What a placeholder can be filled with (i18next took anything and wrote it with `String()`). */
export type Values = Readonly<Record<string, string | number | boolean | null | undefined>>;

const PLACEHOLDER = /\{\{(.+?)\}\}/g;

/**
 * The string at a dotted key, or undefined (missing, or the key names a branch). A catalogue's
 * own key may hold dots (`'inspection.received'`, an audit action's code): like i18next, each
 * level tries the next one part, then two joined by a dot, and so on.
 */
export function lookup(catalogue: Catalogue | undefined, key: string): string | undefined {
  return catalogue === undefined ? undefined : find(catalogue, key.split('.'));
}

function find(node: Catalogue, parts: readonly string[]): string | undefined {
  for (let taken = 1; taken <= parts.length; taken++) {
    const name = parts.slice(0, taken).join('.');
    if (!Object.hasOwn(node, name)) continue;
    const next = node[name]!;
    const rest = parts.slice(taken);
    if (rest.length === 0) {
      if (typeof next === 'string') return next;
    } else if (typeof next !== 'string') {
      const found = find(next, rest);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function interpolate(template: string, values: Values | undefined): string {
  if (values === undefined || !template.includes('{{')) return template;
  return template.replace(PLACEHOLDER, (placeholder, inner: string) => {
    const name = inner.trim();
    if (!Object.hasOwn(values, name)) return placeholder;
    const value = values[name];
    return value === null || value === undefined ? '' : String(value);
  });
}
