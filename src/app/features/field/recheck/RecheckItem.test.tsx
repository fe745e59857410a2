// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Verdict } from '../../../../domain/wire';
import { recheckProblems } from '../../../db/rechecks';
import type { LocalRecheck } from '../../../db/types';
import { initI18n, setLanguage, t } from '../../../i18n';
import { RecheckItem, type RecheckItemProps } from './RecheckItem';
import { problemText } from './recheck-problems';

const BEFORE = ['a'.repeat(64), 'b'.repeat(64)];
const AFTER = 'c'.repeat(64);

function props(overrides: Partial<RecheckItemProps> = {}): RecheckItemProps {
  return {
    rectification: { itemId: 'T16', grade: 'C#', dueOn: '2021-07-20', status: 'open', note: '宣传栏海报破损' },
    itemTitle: '公益广告完好',
    siteName: '曙光街社区新时代文明实践站',
    overdue: true,
    before: [{ sha256: BEFORE[0]!, url: 'blob:before-1' }, { sha256: BEFORE[1]! }],
    recheck: { photos: [], status: 'draft' },
    afterThumbnails: {},
    busyPhotos: 0,
    onVerdict: vi.fn(),
    onNote: vi.fn(),
    onAddPhotos: vi.fn(),
    onRemovePhoto: vi.fn(),
    onViewBefore: vi.fn(),
    onViewAfter: vi.fn(),
    onSubmit: vi.fn(),
    onRevise: vi.fn(),
    ...overrides,
  };
}

const verdictButton = (name: string, group = '复查结论') =>
  within(screen.getByRole('radiogroup', { name: group })).getByRole('radio', { name });

beforeAll(async () => {
  await initI18n();
});
afterEach(() => cleanup());

describe('the recheck item', () => {
  it('shows the original finding: item, grade, the inspector’s note, due date, overdue', () => {
    render(<RecheckItem {...props()} />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('T16 公益广告完好');
    expect(screen.getByText('测评评级 C#')).toBeTruthy();
    expect(screen.getByTestId('inspector-note').textContent).toBe('测评员备注：宣传栏海报破损');
    expect(screen.getByText(/期限 2021-07-20/)).toBeTruthy();
    expect(screen.getByText('已逾期')).toBeTruthy();
  });

  it('shows the unit’s latest answer beside the before-photos: what was done, the note, when, its photos', () => {
    const onViewBefore = vi.fn();
    render(
      <RecheckItem
        {...props({
          rectification: { ...props().rectification, dispatchedAt: '2021-07-06T01:00:00.000Z' },
          unitAnswer: {
            id: 'A1',
            action: '已更换公益广告',
            note: '新海报已张贴',
            photos: [AFTER, 'd'.repeat(64)],
            answeredAt: '2021-07-10T02:30:00.000Z',
            thumbnails: [{ sha256: AFTER, url: 'blob:unit-1' }, { sha256: 'd'.repeat(64) }],
          },
          onViewBefore,
        })}
      />,
    );
    const section = screen.getByTestId('unit-answer');
    expect(within(section).getByRole('heading').textContent).toBe('责任单位整改反馈');
    expect(within(section).getByText('整改情况：已更换公益广告')).toBeTruthy();
    expect(within(section).getByText('备注：新海报已张贴')).toBeTruthy();
    expect(within(section).getByText('反馈时间：2021-07-10 10:30')).toBeTruthy();
    fireEvent.click(within(section).getByRole('button', { name: '查看责任单位照片 1' }));
    expect(onViewBefore).toHaveBeenCalledWith(AFTER);
    expect(within(section).getByRole<HTMLButtonElement>('button', { name: '责任单位照片 2：未下载' }).disabled).toBe(
      true,
    );
  });

  it('says when a dispatched item has no answer yet; an undispatched one shows no unit section', () => {
    render(
      <RecheckItem {...props({ rectification: { ...props().rectification, dispatchedAt: '2021-07-06T01:00:00Z' } })} />,
    );
    expect(screen.getByTestId('unit-answer').textContent).toContain('已交办，责任单位尚未反馈。');
    cleanup();
    render(<RecheckItem {...props()} />);
    expect(screen.queryByTestId('unit-answer')).toBeNull();
  });

  it('says that 未整改 sends a dispatched item back to the unit (返工)', () => {
    const dispatched = { ...props().rectification, dispatchedAt: '2021-07-06T01:00:00Z' };
    render(
      <RecheckItem
        {...props({ rectification: dispatched, recheck: { photos: [], status: 'draft', verdict: 'fixed' } })}
      />,
    );
    expect(screen.queryByTestId('send-back-hint')).toBeNull();
    cleanup();
    render(
      <RecheckItem
        {...props({ rectification: dispatched, recheck: { photos: [], status: 'draft', verdict: 'not_fixed' } })}
      />,
    );
    expect(screen.getByTestId('send-back-hint').textContent).toContain('退回责任单位重新整改');
  });

  it('says when the inspector left no note', () => {
    render(<RecheckItem {...props({ rectification: { ...props().rectification, note: undefined } })} />);
    expect(screen.getByTestId('inspector-note').textContent).toBe('测评员未填写备注。');
  });

  it('shows before and after side by side; a before-photo not downloaded yet says so', () => {
    const onViewBefore = vi.fn();
    const onViewAfter = vi.fn();
    render(
      <RecheckItem
        {...props({
          recheck: { photos: [AFTER], status: 'draft', verdict: 'fixed' },
          afterThumbnails: { [AFTER]: 'blob:after-1' },
          onViewBefore,
          onViewAfter,
        })}
      />,
    );
    const before = screen.getByRole('region', { name: '整改前' });
    const after = screen.getByRole('region', { name: '整改后' });
    expect(before.querySelector('img')?.getAttribute('src')).toBe('blob:before-1');
    expect(within(before).getByText('未下载')).toBeTruthy();
    // Each thumbnail is named for what it shows; the one not downloaded says so in its name too.
    expect(within(before).getByRole('button', { name: '查看整改前照片 1' })).toBeTruthy();
    expect(within(before).getByRole('button', { name: '整改前照片 2：未下载' })).toBeTruthy();
    expect(after.querySelector('img')?.getAttribute('src')).toBe('blob:after-1');
    fireEvent.click(within(before).getAllByRole('button')[0]!);
    expect(onViewBefore).toHaveBeenCalledWith(BEFORE[0]);
    expect(within(before).getAllByRole('button')[1]!.hasAttribute('disabled')).toBe(true);
    fireEvent.click(within(after).getByRole('button', { name: '查看整改后照片' }));
    expect(onViewAfter).toHaveBeenCalledWith(AFTER);
  });

  it('reports the verdict chosen and shows which one is', () => {
    const onVerdict = vi.fn();
    const { rerender } = render(<RecheckItem {...props({ onVerdict })} />);
    expect(verdictButton('已整改').getAttribute('aria-checked')).toBe('false');
    fireEvent.click(verdictButton('未整改'));
    expect(onVerdict).toHaveBeenCalledWith('not_fixed');
    rerender(<RecheckItem {...props({ onVerdict, recheck: { photos: [], status: 'draft', verdict: 'not_fixed' } })} />);
    expect(verdictButton('未整改').getAttribute('aria-checked')).toBe('true');
    expect(verdictButton('已整改').getAttribute('aria-checked')).toBe('false');
  });

  it('either verdict without an after-photo shows that one is needed; with one it does not', () => {
    const { rerender } = render(<RecheckItem {...props({ recheck: { photos: [], status: 'draft' } })} />);
    expect(screen.queryByTestId('photo-required')).toBeNull();
    rerender(<RecheckItem {...props({ recheck: { photos: [], status: 'draft', verdict: 'fixed' } })} />);
    expect(screen.getByTestId('photo-required').textContent).toBe('判定“已整改”须拍整改后照片');
    rerender(<RecheckItem {...props({ recheck: { photos: [AFTER], status: 'draft', verdict: 'fixed' } })} />);
    expect(screen.queryByTestId('photo-required')).toBeNull();
    rerender(<RecheckItem {...props({ recheck: { photos: [], status: 'draft', verdict: 'not_fixed' } })} />);
    expect(screen.getByTestId('photo-required').textContent).toBe('判定“未整改”须拍下仍存在的问题');
    rerender(<RecheckItem {...props({ recheck: { photos: [AFTER], status: 'draft', verdict: 'not_fixed' } })} />);
    expect(screen.queryByTestId('photo-required')).toBeNull();
  });

  it('hands over the note as typed and the photos as picked', () => {
    const onNote = vi.fn();
    const onAddPhotos = vi.fn();
    const { container } = render(<RecheckItem {...props({ onNote, onAddPhotos })} />);
    fireEvent.change(screen.getByLabelText('复查备注'), { target: { value: '已更换新海报' } });
    expect(onNote).toHaveBeenCalledWith('已更换新海报');
    const camera = container.querySelector<HTMLInputElement>('input[capture="environment"]')!;
    const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'after.jpg', { type: 'image/jpeg' });
    fireEvent.change(camera, { target: { files: [file] } });
    expect(onAddPhotos).toHaveBeenCalledTimes(1);
  });

  it('in English, names the thumbnails in English and puts no Chinese punctuation around the words', async () => {
    await setLanguage('en');
    try {
      render(
        <RecheckItem
          {...props({
            rectification: { ...props().rectification, note: '海报破损' },
            siteName: '曙光街站',
            recheck: { photos: [], status: 'draft', verdict: 'not_fixed' },
          })}
        />,
      );
      expect(screen.getByTestId('inspector-note').textContent).toMatch(/: 海报破损$/);
      expect(screen.getByRole('button', { name: 'View before-photo 1' })).toBeTruthy();
      expect(screen.getByRole('button', { name: 'Before-photo 2: Not downloaded' })).toBeTruthy();
      expect(screen.getByTestId('photo-required').textContent).toBe('"Not fixed" needs a photo of what is still wrong');
      expect(document.body.textContent).not.toMatch(/[：，（）。、；]/);
    } finally {
      await setLanguage('zh-CN');
    }
  });

  it('a submitted verdict is read-only and can be changed by a new recheck', () => {
    const onRevise = vi.fn();
    const { container } = render(
      <RecheckItem
        {...props({ onRevise, recheck: { photos: [AFTER], status: 'submitted', verdict: 'fixed', note: '已整改' } })}
      />,
    );
    expect(verdictButton('已整改').hasAttribute('disabled')).toBe(true);
    expect(container.querySelector('input[type="file"]')).toBeNull();
    expect(screen.queryByRole('button', { name: '删除这张照片' })).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('复查结论已提交，联网后将自动上传。');
    expect(screen.queryByRole('button', { name: '提交复查结论' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '修改复查结论' }));
    expect(onRevise).toHaveBeenCalled();
  });
});

/** The item with its state held here and the submit rules of the database module, as the page does. */
function Harness({ onSubmitted }: { onSubmitted: () => void }) {
  const [recheck, setRecheck] = useState<LocalRecheck>({
    id: '0d6e4f3a-2b1c-4d5e-8f9a-0b1c2d3e4f5a',
    rectificationId: 'R1~S1~T16',
    photos: [],
    status: 'draft',
    createdAt: '2021-08-02T02:00:00.000Z',
    updatedAt: '2021-08-02T02:00:00.000Z',
  });
  const [problems, setProblems] = useState<string[]>();
  return (
    <RecheckItem
      {...props({
        recheck,
        problems,
        afterThumbnails: { [AFTER]: 'blob:after' },
        onVerdict: (verdict: Verdict) => setRecheck((current) => ({ ...current, verdict })),
        onAddPhotos: () => setRecheck((current) => ({ ...current, photos: [...current.photos, AFTER] })),
        onSubmit: () => {
          const found = recheckProblems(recheck, 'T16').map((problem) => problemText(t, problem, recheck.verdict));
          setProblems(found);
          if (found.length === 0) onSubmitted();
        },
      })}
    />
  );
}

describe('submitting a recheck', () => {
  it('explains what is missing: first a verdict, then for "fixed" an after-photo; then it goes', () => {
    const onSubmitted = vi.fn();
    const { container } = render(<Harness onSubmitted={onSubmitted} />);
    const submit = screen.getByRole('button', { name: '提交复查结论' });

    fireEvent.click(submit);
    expect(screen.getByRole('alert').textContent).toContain('尚未选择复查结论（已整改 / 未整改）');

    fireEvent.click(verdictButton('已整改'));
    fireEvent.click(submit);
    expect(screen.getByRole('alert').textContent).toContain('判定“已整改”需要至少一张整改后照片');
    expect(onSubmitted).not.toHaveBeenCalled();

    const camera = container.querySelector<HTMLInputElement>('input[capture="environment"]')!;
    fireEvent.change(camera, { target: { files: [new File([new Uint8Array([1])], 'a.jpg')] } });
    expect(screen.queryByTestId('photo-required')).toBeNull();
    fireEvent.click(submit);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onSubmitted).toHaveBeenCalledTimes(1);
  });

  it('"not fixed" needs a photo of what is still wrong too; then it goes', () => {
    const onSubmitted = vi.fn();
    const { container } = render(<Harness onSubmitted={onSubmitted} />);
    fireEvent.click(verdictButton('未整改'));
    fireEvent.click(screen.getByRole('button', { name: '提交复查结论' }));
    expect(screen.getByRole('alert').textContent).toContain('判定“未整改”需要至少一张照片，拍下仍存在的问题');
    expect(onSubmitted).not.toHaveBeenCalled();

    const camera = container.querySelector<HTMLInputElement>('input[capture="environment"]')!;
    fireEvent.change(camera, { target: { files: [new File([new Uint8Array([1])], 'a.jpg')] } });
    fireEvent.click(screen.getByRole('button', { name: '提交复查结论' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onSubmitted).toHaveBeenCalledTimes(1);
  });

  it('explains in English when English is chosen', async () => {
    await setLanguage('en');
    try {
      render(<Harness onSubmitted={vi.fn()} />);
      const submit = screen.getByRole('button', { name: 'Submit verdict' });
      fireEvent.click(submit);
      expect(screen.getByRole('alert').textContent).toContain('Choose a verdict (fixed / not fixed)');
      fireEvent.click(verdictButton('Not fixed', 'Verdict'));
      fireEvent.click(submit);
      expect(screen.getByRole('alert').textContent).toContain(
        'A "not fixed" verdict needs at least one photo of what is still wrong',
      );
    } finally {
      await setLanguage('zh-CN');
    }
  });
});
