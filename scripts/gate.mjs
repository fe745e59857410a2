#!/usr/bin/env node
/**
 * The gate that people and CI run alike (`npm test`): typecheck, lint (zero warnings), format
 * check, unit tests (vitest) and end-to-end tests (Playwright in Debian's Chromium against the
 * real server). Every step runs even when an earlier one fails, so one run shows everything;
 * the last line is `N passed, N failed`, counted from the runners' JSON reports, with each
 * failed static check counted as one failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const VITEST_REPORT = 'test-results/vitest.json';
const PLAYWRIGHT_REPORT = 'test-results/playwright.json';

const only = process.argv.slice(2); // e.g. `npm test -- unit` runs only the unit step
const steps = [
  { name: 'typecheck', command: ['npx', 'tsc', '-b'] },
  { name: 'lint', command: ['npx', 'eslint', '.', '--max-warnings', '0'] },
  { name: 'format', command: ['npx', 'prettier', '--check', '.', '--log-level', 'warn'] },
  {
    name: 'unit',
    command: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_REPORT}`],
    report: VITEST_REPORT,
  },
  { name: 'e2e', command: ['npx', 'playwright', 'test'], report: PLAYWRIGHT_REPORT },
].filter((step) => only.length === 0 || only.includes(step.name));

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
const summary = [];

for (const step of steps) {
  if (step.report) rmSync(step.report, { force: true });
  const started = Date.now();
  console.log(`\n=== ${step.name}: ${step.command.join(' ')}`);
  const { status } = spawnSync(step.command[0], step.command.slice(1), { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const counts = step.report
    ? countReport(step.name, step.report)
    : { passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1 };
  // A runner that crashed before writing its report, or exited non-zero with no failed test, still fails the gate.
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  passed += counts.passed;
  failed += counts.failed;
  summary.push(
    `${step.name.padEnd(10)} ${status === 0 ? 'ok  ' : 'FAIL'} ${counts.passed} passed, ${counts.failed} failed (${seconds} s)`,
  );
}

console.log(`\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

function countReport(name, file) {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if (name === 'unit')
    return {
      passed: report.numPassedTests ?? 0,
      failed: (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0),
    };
  const stats = report.stats ?? {};
  return {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: (stats.unexpected ?? 0) + (report.errors?.length ?? 0),
  };
}
