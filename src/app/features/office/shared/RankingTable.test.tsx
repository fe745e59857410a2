// @vitest-environment happy-dom
/**
 * The published ranking shares the report's district table (DistrictRankTable): rank, district
 * and tallies, its average drawn as a bar with the score beside it.
 */
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DistrictTally } from '../../../../domain/report';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { RankingTable } from './RankingTable';

const DISTRICTS: DistrictTally[] = [
  { district: '新华区', rank: 1, sites: 3, inspected: 3, fullMarks: 1, toRectify: 1, averageScore: 94.99 },
  { district: '湛河区', rank: null, sites: 1, inspected: 0, fullMarks: 0, toRectify: 0, averageScore: null },
];

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(cleanup);

describe('the published ranking', () => {
  it('lists each district with its rank, tallies and a bar for its average', () => {
    render(<RankingTable districts={DISTRICTS} caption="排名" />);
    const table = screen.getByTestId('ranking-table');
    expect(table.className).toBe('data-table ranking-table');
    expect(within(table).getByText('排名', { selector: 'caption' })).toBeTruthy();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => Array.from(row.children, (cell) => cell.textContent))).toEqual([
      ['1', '新华区', '3', '3', '1', '1', '94.99'],
      ['—', '湛河区', '1', '0', '0', '0', '—'],
    ]);
    const fills = table.querySelectorAll<HTMLElement>('.score-bar__fill');
    expect([...fills].map((fill) => fill.style.width)).toEqual(['94.99%', '0%']);
  });

  it('has no caption unless given one', () => {
    render(<RankingTable districts={DISTRICTS} />);
    expect(screen.getByTestId('ranking-table').querySelector('caption')).toBeNull();
  });
});
