import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CANVAS_PIXELS, downscalePlan, fitWithin, watermarkLayout, type Size } from './photo-geometry';

describe('the stored size', () => {
  it('brings the long edge to 1600, keeping the aspect ratio', () => {
    expect(fitWithin({ width: 4000, height: 3000 }, 1600)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin({ width: 3000, height: 4000 }, 1600)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin({ width: 4032, height: 3024 }, 1600)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin({ width: 4624, height: 2080 }, 1600)).toEqual({ width: 1600, height: 720 });
  });

  it('never scales up', () => {
    expect(fitWithin({ width: 640, height: 480 }, 1600)).toEqual({ width: 640, height: 480 });
    expect(fitWithin({ width: 1600, height: 900 }, 1600)).toEqual({ width: 1600, height: 900 });
  });

  it('rejects sizes that are no image', () => {
    expect(() => fitWithin({ width: 0, height: 10 }, 1600)).toThrow(RangeError);
    expect(() => fitWithin({ width: 10.5, height: 10 }, 1600)).toThrow(RangeError);
  });
});

describe('the downscaling steps', () => {
  it('halves while the half is still larger than the target, then takes the last step', () => {
    expect(downscalePlan({ width: 3000, height: 4000 }, { width: 1200, height: 1600 })).toEqual([
      { width: 1500, height: 2000 },
      { width: 1200, height: 1600 },
    ]);
    expect(downscalePlan({ width: 1200, height: 1600 }, { width: 180, height: 240 })).toEqual([
      { width: 600, height: 800 },
      { width: 300, height: 400 },
      { width: 180, height: 240 },
    ]);
  });

  it('does not add a step when a halving lands on the target', () => {
    expect(downscalePlan({ width: 3200, height: 2400 }, { width: 1600, height: 1200 })).toEqual([
      { width: 1600, height: 1200 },
    ]);
  });

  it('is one step for a small reduction and none for no reduction', () => {
    expect(downscalePlan({ width: 2000, height: 1500 }, { width: 1600, height: 1200 })).toEqual([
      { width: 1600, height: 1200 },
    ]);
    expect(downscalePlan({ width: 640, height: 480 }, { width: 640, height: 480 })).toEqual([]);
  });

  it('keeps every canvas under the iOS limit, even for a 108 MP source', () => {
    const plan = downscalePlan({ width: 12_000, height: 9000 }, { width: 1600, height: 1200 });
    expect(plan[0]!.width * plan[0]!.height).toBeLessThanOrEqual(MAX_CANVAS_PIXELS);
    expect(plan.at(-1)).toEqual({ width: 1600, height: 1200 });
  });

  it('refuses to scale up', () => {
    expect(() => downscalePlan({ width: 100, height: 100 }, { width: 200, height: 200 })).toThrow(RangeError);
  });

  it('for any photo: ends at the target, shrinks by at most half per step, stays under the limit', () => {
    const sizes = fc.record({
      width: fc.integer({ min: 64, max: 16_000 }),
      height: fc.integer({ min: 64, max: 16_000 }),
    });
    fc.assert(
      fc.property(sizes, fc.integer({ min: 64, max: 2000 }), (source: Size, longEdge) => {
        const target = fitWithin(source, longEdge);
        const plan = downscalePlan(source, target);
        if (source.width === target.width && source.height === target.height) return plan.length === 0;
        expect(plan.at(-1)).toEqual(target);
        let previous = source;
        plan.forEach((step, index) => {
          expect(step.width * step.height).toBeLessThanOrEqual(MAX_CANVAS_PIXELS);
          expect(step.width).toBeLessThanOrEqual(previous.width);
          expect(step.height).toBeLessThanOrEqual(previous.height);
          // Halving steps (after a first step to the canvas limit) reduce by at most half, plus rounding.
          const overLimit = index === 0 && source.width * source.height > MAX_CANVAS_PIXELS;
          if (!overLimit) expect(step.width).toBeGreaterThanOrEqual(Math.floor(previous.width / 2) - 1);
          previous = step;
        });
        return true;
      }),
    );
  });
});

describe('the watermark band', () => {
  it('has text about 2.8 % of the short edge on a stored photo', () => {
    const layout = watermarkLayout({ width: 1200, height: 1600 }, 4);
    expect(layout.fontSize).toBe(33);
    expect(layout.bandTop + layout.bandHeight).toBe(1600);
    expect(layout.bandHeight).toBe(4 * layout.lineHeight + 2 * layout.padding);
    expect(layout.bandHeight / 1600).toBeLessThan(0.15);
  });

  it('is the same size for the same photo turned landscape', () => {
    expect(watermarkLayout({ width: 1600, height: 1200 }, 4).fontSize).toBe(33);
  });

  it('keeps a readable minimum on small photos, and never covers more than 40 % of a wide one', () => {
    expect(watermarkLayout({ width: 320, height: 240 }, 4).fontSize).toBe(10);
    const panorama = watermarkLayout({ width: 1600, height: 300 }, 4);
    expect(panorama.bandHeight).toBeLessThanOrEqual(300 * 0.4 + 1);
  });
});
