/**
 * Marked-up photos (issue #18): the inspector's circles, arrows and short texts burned into the
 * photo in the worker, after resizing and before the watermark band, so the band is drawn over
 * them and stays legible. Shapes are in fractions of the (oriented) photo's width and height,
 * as the editor drew them on a preview of any size.
 */
export type MarkupShape =
  | { kind: 'circle'; x: number; y: number; r: number }
  | { kind: 'arrow'; x1: number; y1: number; x2: number; y2: number }
  | { kind: 'text'; x: number; y: number; text: string };

/** At most this many shapes and characters per text: a mark, not a drawing. */
export const MAX_MARKUP_SHAPES = 20;
export const MAX_MARKUP_TEXT = 20;

const MARK_COLOUR = '#ff1f1f';
const HALO_COLOUR = 'rgba(255, 255, 255, 0.85)';

/** The part of a 2D context the drawing uses (a recording fake in tests). */
export type MarkupContext = Pick<
  OffscreenCanvasRenderingContext2D,
  | 'beginPath'
  | 'arc'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'fillText'
  | 'strokeText'
  | 'save'
  | 'restore'
  | 'lineWidth'
  | 'strokeStyle'
  | 'fillStyle'
  | 'font'
  | 'lineCap'
  | 'lineJoin'
  | 'textBaseline'
>;

export function drawMarkup(
  context: MarkupContext,
  width: number,
  height: number,
  shapes: readonly MarkupShape[],
  fontFamily: string,
): void {
  // Line width and text size follow the photo's size, as the watermark's do.
  const unit = Math.max(2, Math.round(Math.min(width, height) / 150));
  context.save();
  context.lineCap = 'round';
  context.lineJoin = 'round';
  for (const shape of shapes.slice(0, MAX_MARKUP_SHAPES)) {
    // A white halo under each red mark keeps it visible on red or dark surfaces.
    for (const [colour, lineWidth] of [
      [HALO_COLOUR, unit * 2],
      [MARK_COLOUR, unit],
    ] as const) {
      context.strokeStyle = colour;
      context.lineWidth = lineWidth;
      strokeShape(context, shape, width, height, unit);
    }
    if (shape.kind === 'text') {
      context.font = `bold ${unit * 8}px ${fontFamily}`;
      context.textBaseline = 'middle';
      context.fillStyle = MARK_COLOUR;
      context.fillText(shape.text.slice(0, MAX_MARKUP_TEXT), shape.x * width, shape.y * height);
    }
  }
  context.restore();
}

function strokeShape(context: MarkupContext, shape: MarkupShape, width: number, height: number, unit: number): void {
  if (shape.kind === 'circle') {
    context.beginPath();
    context.arc(shape.x * width, shape.y * height, Math.max(unit * 3, shape.r * width), 0, Math.PI * 2);
    context.stroke();
  } else if (shape.kind === 'arrow') {
    const [x1, y1, x2, y2] = [shape.x1 * width, shape.y1 * height, shape.x2 * width, shape.y2 * height];
    const angle = Math.atan2(y2 - y1, x2 - x1);
    const head = unit * 6;
    context.beginPath();
    context.moveTo(x1, y1);
    context.lineTo(x2, y2);
    context.moveTo(x2 - head * Math.cos(angle - Math.PI / 6), y2 - head * Math.sin(angle - Math.PI / 6));
    context.lineTo(x2, y2);
    context.lineTo(x2 - head * Math.cos(angle + Math.PI / 6), y2 - head * Math.sin(angle + Math.PI / 6));
    context.stroke();
  } else {
    context.font = `bold ${unit * 8}px sans-serif`;
    context.textBaseline = 'middle';
    context.strokeText(shape.text.slice(0, MAX_MARKUP_TEXT), shape.x * width, shape.y * height);
  }
}
