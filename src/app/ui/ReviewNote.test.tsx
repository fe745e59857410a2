// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewDecisionView } from '../../domain/review';
import { initI18n, setLanguage } from '../i18n';
import { ReviewNote } from './ReviewNote';

const RETURNED: ReviewDecisionView = {
  seq: 7,
  inspectionId: '6f1f6c1e-0000-4000-8000-000000000001',
  revision: 1,
  roundId: 'R2021-07',
  siteId: 'XH-S-001',
  decision: 'returned',
  comment: 'retake the photos',
  itemComments: [{ itemId: 'T18', comment: 'blurred' }],
  reviewerName: 'Zhao',
  reviewedAt: '2021-07-20T02:00:00.000Z',
};

beforeAll(async () => {
  await initI18n();
});
afterEach(cleanup);

describe('the review note on the checklist', () => {
  it('says who returned which revision, with the comment and each item’s comment', () => {
    render(<ReviewNote decision={RETURNED} itemTitle={(itemId) => `${itemId} 阵地标识`} />);
    const note = screen.getByTestId('review-note');
    expect(note.textContent).toContain('已退回（Zhao，第 1 版）：retake the photos');
    expect(note.textContent).toContain('T18 阵地标识：blurred');
  });

  it('has no Chinese punctuation in English', async () => {
    await setLanguage('en');
    try {
      render(<ReviewNote decision={RETURNED} />);
      const text = screen.getByTestId('review-note').textContent;
      expect(text).toContain('Returned by Zhao (revision 1): retake the photos');
      expect(text).toContain('T18: blurred');
      expect(text).not.toMatch(/[：，（）。、；]/);
    } finally {
      await setLanguage('zh-CN');
    }
  });
});
