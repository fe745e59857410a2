// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../i18n';
import MarkupEditor, { shapeOf } from './MarkupEditor';

beforeAll(async () => {
  await initI18n();
  URL.createObjectURL = vi.fn(() => 'blob:photo');
  URL.revokeObjectURL = vi.fn();
});
afterEach(cleanup);

/** The drawing surface laid out 300 × 400 px at the page's origin (jsdom lays nothing out). */
function surface() {
  const svg = screen.getByTestId('markup-surface');
  svg.getBoundingClientRect = () => ({
    left: 0,
    top: 0,
    width: 300,
    height: 400,
    right: 300,
    bottom: 400,
    x: 0,
    y: 0,
    toJSON: () => ({}),
  });
  (svg as unknown as { setPointerCapture: () => void }).setPointerCapture = () => undefined;
  return svg;
}

const drag = (svg: Element, from: [number, number], to: [number, number]) => {
  fireEvent.pointerDown(svg, { clientX: from[0], clientY: from[1], pointerId: 1 });
  fireEvent.pointerMove(svg, { clientX: to[0], clientY: to[1], pointerId: 1 });
  fireEvent.pointerUp(svg, { clientX: to[0], clientY: to[1], pointerId: 1 });
};

describe('the mark-up editor', () => {
  it('draws a circle and an arrow with a finger and a text where tapped, as fractions of the photo', () => {
    const onDone = vi.fn();
    render(<MarkupEditor file={new Blob(['jpeg'])} onDone={onDone} onCancel={vi.fn()} />);
    const svg = surface();
    drag(svg, [150, 200], [210, 200]); // a circle of 60 px on a 300 px wide photo
    fireEvent.click(screen.getByRole('radio', { name: '箭头' }));
    drag(svg, [30, 40], [120, 40]);
    fireEvent.click(screen.getByRole('radio', { name: '文字' }));
    fireEvent.change(screen.getByRole('textbox'), { target: { value: '积尘' } });
    fireEvent.pointerDown(svg, { clientX: 60, clientY: 320, pointerId: 1 });
    fireEvent.click(screen.getByRole('button', { name: '保存照片（3 处标注）' }));
    expect(onDone).toHaveBeenCalledWith([
      { kind: 'circle', x: 0.5, y: 0.5, r: 0.2 },
      { kind: 'arrow', x1: 0.1, y1: 0.1, x2: 0.4, y2: 0.1 },
      { kind: 'text', x: 0.2, y: 0.8, text: '积尘' },
    ]);
  });

  it('undoes the last mark, and saves the photo unmarked when nothing is left', () => {
    const onDone = vi.fn();
    render(<MarkupEditor file={new Blob(['jpeg'])} onDone={onDone} onCancel={vi.fn()} />);
    const svg = surface();
    drag(svg, [150, 200], [210, 200]);
    fireEvent.click(screen.getByRole('button', { name: '撤销' }));
    fireEvent.click(screen.getByRole('button', { name: '不标注，直接保存' }));
    expect(onDone).toHaveBeenCalledWith([]);
  });

  it('makes no shape of a tap too short to be a drag', () => {
    expect(shapeOf('circle', { x: 0.5, y: 0.5 }, { x: 0.505, y: 0.5 }, 0.75)).toBeUndefined();
    expect(shapeOf('arrow', { x: 0.1, y: 0.1 }, { x: 0.1, y: 0.5 }, 0.75)).toEqual({
      kind: 'arrow',
      x1: 0.1,
      y1: 0.1,
      x2: 0.1,
      y2: 0.5,
    });
  });
});
