import { describe, expect, it } from 'vitest';
import { drawMarkup, MAX_MARKUP_SHAPES, type MarkupContext } from './markup-draw';

/** A 2D context that records what is drawn. */
function recorder() {
  const calls: string[] = [];
  const context = {
    lineWidth: 0,
    strokeStyle: '',
    fillStyle: '',
    font: '',
    lineCap: 'butt',
    lineJoin: 'miter',
    textBaseline: 'alphabetic',
    save: () => calls.push('save'),
    restore: () => calls.push('restore'),
    beginPath: () => calls.push('beginPath'),
    stroke: () => calls.push('stroke'),
    arc: (x: number, y: number, r: number) => calls.push(`arc ${x} ${y} ${r}`),
    moveTo: (x: number, y: number) => calls.push(`moveTo ${Math.round(x)} ${Math.round(y)}`),
    lineTo: (x: number, y: number) => calls.push(`lineTo ${Math.round(x)} ${Math.round(y)}`),
    fillText: (text: string, x: number, y: number) => calls.push(`fillText ${text} ${x} ${y}`),
    strokeText: (text: string, x: number, y: number) => calls.push(`strokeText ${text} ${x} ${y}`),
  };
  return { context: context as unknown as MarkupContext, calls };
}

describe('drawMarkup', () => {
  it('draws each shape in the photo’s pixels, twice (white halo, then red), and the text filled', () => {
    const { context, calls } = recorder();
    drawMarkup(
      context,
      1600,
      1200,
      [
        { kind: 'circle', x: 0.5, y: 0.5, r: 0.1 },
        { kind: 'arrow', x1: 0.1, y1: 0.1, x2: 0.4, y2: 0.1 },
        { kind: 'text', x: 0.2, y: 0.8, text: '积尘' },
      ],
      'sans-serif',
    );
    expect(calls.filter((call) => call.startsWith('arc'))).toEqual(['arc 800 600 160', 'arc 800 600 160']);
    expect(calls.filter((call) => call === 'moveTo 160 120')).toHaveLength(2);
    expect(calls.filter((call) => call === 'lineTo 640 120')).toHaveLength(4); // the shaft and the head's tip, twice
    expect(calls.filter((call) => call.startsWith('strokeText'))).toEqual([
      'strokeText 积尘 320 960',
      'strokeText 积尘 320 960',
    ]);
    expect(calls.filter((call) => call.startsWith('fillText'))).toEqual(['fillText 积尘 320 960']);
    expect(calls[0]).toBe('save');
    expect(calls.at(-1)).toBe('restore');
  });

  it('draws at most the allowed number of shapes, and cuts long texts', () => {
    const { context, calls } = recorder();
    const many = Array.from({ length: MAX_MARKUP_SHAPES + 5 }, () => ({
      kind: 'circle' as const,
      x: 0.5,
      y: 0.5,
      r: 0.1,
    }));
    drawMarkup(context, 100, 100, [...many], 'sans-serif');
    expect(calls.filter((call) => call.startsWith('arc'))).toHaveLength(MAX_MARKUP_SHAPES * 2);
    const { context: other, calls: texts } = recorder();
    drawMarkup(
      other,
      100,
      100,
      [{ kind: 'text', x: 0, y: 0, text: '一二三四五六七八九十一二三四五六七八九十多余' }],
      'x',
    );
    expect(texts.find((call) => call.startsWith('fillText'))).toBe(
      'fillText 一二三四五六七八九十一二三四五六七八九十 0 0',
    );
  });
});
