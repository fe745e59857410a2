// @vitest-environment happy-dom
/**
 * The district chart explains itself: its score axis does not start at 0 (close averages stay
 * apart), and the note under it says where it starts; the colours have a key (the three
 * best-ranked districts, the others).
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DistrictTally } from '../../../../domain/report';
import { initI18n, setLanguage } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { axisStart, DistrictChart } from './DistrictChart';

const tally = (district: string, averageScore: number | null, rank: number | null): DistrictTally => ({
  district,
  sites: 10,
  inspected: averageScore === null ? 0 : 10,
  fullMarks: 2,
  toRectify: 1,
  averageScore,
  rank,
});

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(async () => {
  cleanup();
  await setLanguage('zh-CN');
});

describe('district chart', () => {
  const districts = [
    tally('新华区', 96.5, 1),
    tally('卫东区', 93, 2),
    tally('湛河区', 91.2, 3),
    tally('石龙区', 86.4, 4),
    tally('高新区', null, null),
  ];

  it('starts the axis ten below the lowest average’s tens, never below 0', () => {
    expect(axisStart([96.5, 93, 91.2, 86.4])).toBe(70);
    expect(axisStart([99, 91])).toBe(80);
    expect(axisStart([5])).toBe(0);
  });

  it('says where the axis starts and what the colours mean', () => {
    render(<DistrictChart districts={districts} />);
    const note = screen.getByTestId('chart-note');
    expect(note.textContent).toBe(
      '排名前三的区县其他区县横轴从 70 分起，不从 0 起：条形长短只便于比较，不与分数成比例。',
    );
    const swatches = note.querySelectorAll<HTMLElement>('.chart-key__swatch');
    expect([...swatches].map((swatch) => swatch.style.background)).toEqual(['#b71c1c', '#8a8a8a']);
  });

  it('in English too', async () => {
    await setLanguage('en');
    render(<DistrictChart districts={[tally('Xinhua', 99, 1), tally('Weidong', 91, 2)]} />);
    expect(screen.getByTestId('chart-note').textContent).toContain('The axis starts at 80, not 0');
  });
});
