// @ts-check
/**
 * Lint for the whole repository (`npm run lint`, zero warnings), including the layer rules of
 * docs/ARCHITECTURE.md ("Layers"), enforced with no-restricted-imports (static imports and re-exports),
 * no-restricted-syntax (dynamic `import()` and `import('…')` types) and, for React components,
 * no-restricted-globals/-properties (no `fetch` outside src/app/api and src/app/sync):
 *
 *   src/domain   pure TypeScript: no app, server, React, Dexie, server packages or Node built-ins
 *   src/app      no server code, no server packages, no Node built-ins
 *   src/app/db   the only importer of Dexie (anywhere in the repository)
 *   src/server   no app code, no React
 *
 * Test files (`*.test.ts(x)`) of the domain and the app may use Node built-ins (fixtures, hashes):
 * they run in Vitest, never in the browser. Every other rule applies to them.
 *
 * ESLint applies the last matching setting of a rule, so each layer below spells out its whole
 * list of forbidden imports, from the general to the specific.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.{ts,tsx,mts,cts}'];
const JS_FILES = ['**/*.{js,mjs,cjs}'];
const TESTS = ['**/*.test.{ts,tsx}'];

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_')).map((name) => name.replace('/', '\\/'));

/** Forbidden import targets: a regex over the import specifier and the reason shown. */
const FORBIDDEN = {
  server: {
    regex: String.raw`^(\.\./)+server(/|$)|(^|/)src/server(/|$)`,
    message: 'Layer rule: only the server imports src/server. Share code through src/domain.',
  },
  app: {
    regex: String.raw`^(\.\./)+app(/|$)|(^|/)src/app(/|$)`,
    message: 'Layer rule: only the app imports src/app. Share code through src/domain.',
  },
  react: {
    regex: String.raw`^(react|react-dom|scheduler|@testing-library/react)(/|$)`,
    message: 'Layer rule: React belongs to src/app only.',
  },
  dexie: {
    regex: String.raw`^(dexie|dexie-react-hooks)(/|$)`,
    message: 'Layer rule: only src/app/db imports Dexie; use its repositories.',
  },
  serverPackages: {
    regex: String.raw`^(fastify|@fastify/[^/]+|kysely|better-sqlite3|pg|pg-[^/]+)(/|$)`,
    message: 'Layer rule: server packages (fastify, kysely, better-sqlite3, pg) belong to src/server only.',
  },
  nodeBuiltins: {
    regex: String.raw`^(node:.*|(${nodeBuiltins.join('|')})(/.*)?)$`,
    message: 'Layer rule: Node built-ins do not run in the browser; keep them in src/server, scripts or tests.',
  },
};

/** An esquery regex literal cannot contain "/": spell it \x2F. */
const selectorRegex = (/** @type {string} */ regex) => `/${regex.replaceAll('/', String.raw`\x2F`)}/`;

/**
 * The rule settings that forbid the given targets in static imports, re-exports, dynamic
 * `import()` and `import('…')` type queries.
 * @param {(keyof typeof FORBIDDEN)[]} targets
 * @returns {import('eslint').Linter.RulesRecord}
 */
function forbidImports(targets) {
  const groups = targets.map((target) => FORBIDDEN[target]);
  return {
    'no-restricted-imports': [
      'error',
      { patterns: groups.map(({ regex, message }) => ({ regex, message, caseSensitive: true })) },
    ],
    'no-restricted-syntax': [
      'error',
      ...groups.flatMap(({ regex, message }) => [
        { selector: `ImportExpression[source.value=${selectorRegex(regex)}]`, message },
        { selector: `TSImportType[argument.literal.value=${selectorRegex(regex)}]`, message },
      ]),
    ],
  };
}

/**
 * @param {string[]} files
 * @param {(keyof typeof FORBIDDEN)[]} targets
 * @param {string} name
 */
const layer = (name, files, targets) => ({ name: `layers/${name}`, files, rules: forbidImports(targets) });

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    'dist/',
    'dev-dist/',
    'coverage/',
    'test-results/',
    'playwright-report/',
    'blob-report/',
    'data/',
    '**/*.tsbuildinfo',
  ]),

  { name: 'base/js', files: [...TS_FILES, ...JS_FILES], extends: [js.configs.recommended] },
  {
    name: 'base/typescript',
    files: [...TS_FILES, ...JS_FILES],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Plain JS (scripts, this file) is outside tsconfig: lint it without type information.
    name: 'base/javascript',
    files: JS_FILES,
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    name: 'base/adjustments',
    files: [...TS_FILES, ...JS_FILES],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Async without await is how an interface is met (Fastify plugins, Kysely migration
      // providers); no-floating-promises and no-misused-promises catch the real promise bugs.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Playwright fixtures take their dependencies as a destructured first parameter: `async ({}, use)`.
    name: 'e2e/fixtures',
    files: ['e2e/**'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },
  { name: 'globals/browser', files: ['src/app/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    name: 'globals/node',
    files: ['src/server/**', 'scripts/**', 'e2e/**', '*.config.{ts,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  { name: 'react-hooks', files: ['src/app/**/*.{ts,tsx}'], extends: [reactHooks.configs.flat['recommended-latest']] },

  // Layer rules, general to specific (the last match wins).
  layer('dexie-only-in-app-db', [...TS_FILES, ...JS_FILES], ['dexie']),
  layer('domain', ['src/domain/**'], ['app', 'server', 'react', 'dexie', 'serverPackages', 'nodeBuiltins']),
  layer(
    'domain-tests',
    TESTS.map((glob) => `src/domain/${glob}`),
    ['app', 'server', 'react', 'dexie', 'serverPackages'],
  ),
  layer('app', ['src/app/**'], ['server', 'dexie', 'serverPackages', 'nodeBuiltins']),
  layer(
    'app-tests',
    TESTS.map((glob) => `src/app/${glob}`),
    ['server', 'dexie', 'serverPackages'],
  ),
  layer('app-db', ['src/app/db/**'], ['server', 'serverPackages', 'nodeBuiltins']),
  layer(
    'app-db-tests',
    TESTS.map((glob) => `src/app/db/${glob}`),
    ['server', 'serverPackages'],
  ),
  layer('server', ['src/server/**'], ['app', 'react', 'dexie']),

  {
    name: 'layers/no-network-in-components',
    files: ['src/app/features/**', 'src/app/ui/**'],
    ignores: TESTS,
    rules: {
      'no-restricted-globals': [
        'error',
        ...['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource'].map((name) => ({
          name,
          message: 'Layer rule: components do not talk to the network; go through src/app/api or src/app/sync.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        ...['window', 'globalThis', 'self'].map((object) => ({
          object,
          property: 'fetch',
          message: 'Layer rule: components do not call fetch; go through src/app/api or src/app/sync.',
        })),
        {
          object: 'navigator',
          property: 'sendBeacon',
          message: 'Layer rule: components do not talk to the network; go through src/app/api or src/app/sync.',
        },
      ],
    },
  },
);
