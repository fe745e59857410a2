// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RUBRIC_2021 } from '../../../../domain/test-fixtures';
import { initI18n, setLanguage } from '../../../i18n';
import { ChecklistForm, type ChecklistFormProps } from './ChecklistForm';
import type { FormAnswer } from './checklist-schema';

const station = RUBRIC_2021.station;
const allA = (): Record<string, FormAnswer> =>
  Object.fromEntries(station.items.map((item) => [item.id, { grade: 'A' as const, photos: [] }]));

function renderChecklist(overrides: Partial<ChecklistFormProps> = {}) {
  const props: ChecklistFormProps = {
    rubric: station,
    answers: {},
    thumbnails: {},
    busyPhotos: {},
    readOnly: false,
    onAnswerChange: vi.fn(),
    onAddPhotos: vi.fn(),
    onRemovePhoto: vi.fn(),
    onViewPhoto: vi.fn(),
    onSubmit: vi.fn(),
    ...overrides,
  };
  return { props, ...render(<ChecklistForm {...props} />) };
}

/** Chinese punctuation that has no place in an English screen. */
const FULL_WIDTH_PUNCTUATION = /[：，（）。、；]/;

const card = (itemId: string) => document.getElementById(`item-${itemId}`)!;

beforeAll(async () => {
  await initI18n();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the checklist', () => {
  it('shows every item of the rubric grouped by category, with the points of each grade', () => {
    renderChecklist();
    expect(document.querySelectorAll('[data-item-id]')).toHaveLength(station.items.length);
    expect(screen.getByText('阵地建设')).toBeTruthy();
    // T03 is worth 6 points: B 3.96, C 1.98, C# 0
    const t03 = within(card('T03'));
    expect(t03.getByRole('radio', { name: /B\s*3.96 分/ })).toBeTruthy();
    expect(t03.getByRole('radio', { name: /C#\s*0 分/ })).toBeTruthy();
    // T01 allows only A and C#
    expect(
      within(card('T01'))
        .getAllByRole('radio')
        .map((button) => button.textContent),
    ).toEqual(['A5 分', 'C#0 分']);
  });

  it('shows the office’s review comment at the item it is about, and only there', () => {
    renderChecklist({ answers: allA(), readOnly: true, reviewComments: { T18: '请补拍现场照片' } });
    expect(within(card('T18')).getByTestId('item-review-comment').textContent).toBe('审核意见：请补拍现场照片');
    expect(screen.getAllByTestId('item-review-comment')).toHaveLength(1);
  });

  it('words an item’s review comment in English without Chinese punctuation', async () => {
    await setLanguage('en');
    try {
      renderChecklist({ answers: allA(), reviewComments: { T18: 'retake the photo' } });
      const text = within(card('T18')).getByTestId('item-review-comment').textContent;
      expect(text).toBe('Review comment: retake the photo');
      expect(text).not.toMatch(FULL_WIDTH_PUNCTUATION);
    } finally {
      await setLanguage('zh-CN');
    }
  });

  it('grades an item, reports the change at once and updates the running score', () => {
    const { props } = renderChecklist();
    // Before anything is graded there is no score yet (not "100 分", which reads as full marks).
    expect(screen.getByTestId('running-score').textContent).toBe('尚未评分');
    expect(screen.getByTestId('unanswered-count').textContent).toBe(`未评 ${station.items.length} 项`);
    fireEvent.click(within(card('T03')).getByRole('radio', { name: /^B/ }));
    expect(props.onAnswerChange).toHaveBeenCalledWith('T03', { grade: 'B', defects: undefined });
    expect(screen.getByTestId('running-score').textContent).toBe('97.96 分');
    expect(within(card('T03')).getByRole('radio', { name: /^B/ }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('unanswered-count').textContent).toBe(`未评 ${station.items.length - 1} 项`);
  });

  it('grades every remaining item A after a confirmation, leaving the graded ones as they are', () => {
    const { props } = renderChecklist();
    fireEvent.click(within(card('T03')).getByRole('radio', { name: /^B/ }));
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    vi.stubGlobal('confirm', confirm);
    fireEvent.click(screen.getByRole('button', { name: '未评项全部评 A' }));
    expect(screen.getByTestId('unanswered-count').textContent).toBe(`未评 ${station.items.length - 1} 项`);
    fireEvent.click(screen.getByRole('button', { name: '未评项全部评 A' }));
    expect(confirm).toHaveBeenLastCalledWith(
      `确认其余 ${station.items.length - 1} 项都已现场查看且符合要求，全部评为 A？`,
    );
    expect(screen.getByTestId('unanswered-count').textContent).toBe('全部已评');
    expect(within(card('T03')).getByRole('radio', { name: /^B/ }).getAttribute('aria-checked')).toBe('true');
    expect(props.onAnswerChange).toHaveBeenCalledWith('T20', { grade: 'A', defects: undefined });
    expect(props.onAnswerChange).not.toHaveBeenCalledWith('T03', { grade: 'A', defects: undefined });
  });

  it('derives the grade of a counted item from the number of defects', () => {
    const { props } = renderChecklist();
    const dust = within(card('T18'));
    const input = dust.getByRole('spinbutton');
    fireEvent.change(input, { target: { value: '2' } });
    expect(props.onAnswerChange).toHaveBeenLastCalledWith('T18', { defects: 2, grade: 'C' });
    expect(dust.getByText('评级 C')).toBeTruthy();
    expect(dust.getByRole('radio', { name: /^C\s/ }).getAttribute('aria-checked')).toBe('true');
    fireEvent.click(dust.getByRole('button', { name: '增加' }));
    expect(props.onAnswerChange).toHaveBeenLastCalledWith('T18', { defects: 3, grade: 'C#' });
    fireEvent.click(dust.getByRole('radio', { name: /^A/ }));
    expect(props.onAnswerChange).toHaveBeenLastCalledWith('T18', { grade: 'A', defects: undefined });
  });

  it('counts the first defect on the first tap of + on an item not counted yet', () => {
    const { props } = renderChecklist();
    fireEvent.click(within(card('T18')).getByRole('button', { name: '增加' }));
    expect(props.onAnswerChange).toHaveBeenLastCalledWith('T18', { defects: 1, grade: 'B' });
  });

  it('says a deduction needs a photo until it has one', () => {
    const answers = allA();
    answers.T18 = { grade: 'C', defects: 2, photos: [] };
    answers.T16 = { grade: 'B', defects: 1, photos: ['a'.repeat(64)] };
    renderChecklist({ answers });
    expect(within(card('T18')).queryByText('扣分须拍照')).not.toBeNull();
    expect(within(card('T16')).queryByText('扣分须拍照')).toBeNull();
    expect(within(card('T01')).queryByText('扣分须拍照')).toBeNull();
  });

  it('explains exactly what is missing on submit: unanswered items and deductions without photos', async () => {
    const answers = allA();
    delete answers.T05;
    answers.T18 = { grade: 'C', defects: 2, photos: [] };
    const { props } = renderChecklist({ answers });
    fireEvent.click(screen.getByRole('button', { name: '提交测评' }));
    const problems = await screen.findByTestId('submit-problems');
    expect(problems.textContent).toContain('还不能提交，请先处理以下 2 项');
    expect(problems.textContent).toContain('T05 开放时间公示并按时开放：尚未评分');
    expect(problems.textContent).toContain('T18 室内卫生（无积尘）：扣分项需要至少一张照片');
    expect(within(card('T18')).getByRole('alert').textContent).toBe('扣分项需要至少一张照片');
    expect(props.onSubmit).not.toHaveBeenCalled();
  });

  it('puts English punctuation around the words in English', async () => {
    await setLanguage('en');
    try {
      const answers = allA();
      delete answers.T05;
      renderChecklist({ answers });
      fireEvent.click(screen.getByRole('button', { name: 'Submit inspection' }));
      const problems = await screen.findByTestId('submit-problems');
      expect(problems.textContent).toMatch(/T05 .+: Not graded yet/);
      const rule = within(card('T05')).getByText(/^Grading rule: /);
      expect(rule.textContent).not.toBe('Grading rule: ');
      expect(document.body.textContent).not.toMatch(FULL_WIDTH_PUNCTUATION);
    } finally {
      await setLanguage('zh-CN');
    }
  });

  it('submits once every item is graded and every deduction has its photo', async () => {
    const answers = allA();
    answers.T18 = { grade: 'C', defects: 2, photos: ['a'.repeat(64)] };
    const { props } = renderChecklist({ answers, thumbnails: { ['a'.repeat(64)]: 'blob:x' } });
    fireEvent.click(screen.getByRole('button', { name: '提交测评' }));
    await waitFor(() => expect(props.onSubmit).toHaveBeenCalledTimes(1));
    expect(screen.queryByTestId('submit-problems')).toBeNull();
  });

  it('clears a photo problem when the photo arrives from storage', async () => {
    const answers = allA();
    answers.T16 = { grade: 'C#', defects: 5, photos: [] };
    const { props, rerender } = renderChecklist({ answers });
    fireEvent.click(screen.getByRole('button', { name: '提交测评' }));
    await screen.findByTestId('submit-problems');
    rerender(<ChecklistForm {...props} answers={{ ...answers, T16: { ...answers.T16, photos: ['b'.repeat(64)] } }} />);
    await waitFor(() => expect(screen.queryByTestId('submit-problems')).toBeNull());
  });

  it('judges a counted item on its current count after a failed submit, not one change late', async () => {
    renderChecklist();
    fireEvent.click(screen.getByRole('button', { name: '提交测评' }));
    await screen.findByTestId('submit-problems');
    const counted = within(card('T04'));
    fireEvent.click(counted.getByRole('button', { name: '增加' }));
    fireEvent.click(counted.getByRole('button', { name: '增加' }));
    expect(counted.getByRole('spinbutton')).toHaveProperty('value', '2');
    expect(counted.getByText('评级 C')).toBeTruthy();
    await waitFor(() => expect(counted.queryByRole('alert')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('submit-problems').textContent).not.toContain('T04'));
    expect(screen.getByTestId('submit-problems').textContent).not.toContain('评级与数量不符');
  });

  it('is read-only once submitted', () => {
    renderChecklist({ answers: allA(), readOnly: true });
    expect(
      within(card('T01'))
        .getAllByRole('radio')
        .every((button) => (button as HTMLButtonElement).disabled),
    ).toBe(true);
    expect(screen.queryByRole('button', { name: '提交测评' })).toBeNull();
  });
});
