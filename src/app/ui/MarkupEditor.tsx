/**
 * Marking up a photo before it is stored (issue #18): circles, arrows and short texts drawn with
 * a finger over a preview, as fractions of the photo's size; the photo worker burns them in
 * (`photos/markup-draw.ts`) under the watermark. Loaded lazily: it is not part of the first load.
 */
import { useEffect, useMemo, useState, type PointerEvent } from 'react';
import { useTranslation } from '../i18n';
import { MAX_MARKUP_SHAPES, MAX_MARKUP_TEXT, type MarkupShape } from '../photos/markup-draw';

type Tool = 'circle' | 'arrow' | 'text';
interface Point {
  x: number;
  y: number;
}

export interface MarkupEditorProps {
  file: Blob;
  /** The marks (possibly none): the photo is processed with them. */
  onDone: (shapes: MarkupShape[]) => void;
  onCancel: () => void;
}

export default function MarkupEditor({ file, onDone, onCancel }: MarkupEditorProps) {
  const { t } = useTranslation();
  // As the photo viewer does: made from the Blob, revoked when it changes or the editor closes.
  const url = useMemo(() => URL.createObjectURL(file), [file]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const [tool, setTool] = useState<Tool>('circle');
  const [text, setText] = useState('');
  const [shapes, setShapes] = useState<MarkupShape[]>([]);
  const [draft, setDraft] = useState<{ from: Point; to: Point }>();
  const [aspect, setAspect] = useState(1);

  const at = (event: PointerEvent<SVGSVGElement>): Point => {
    const box = event.currentTarget.getBoundingClientRect();
    setAspect(box.width / Math.max(1, box.height));
    return {
      x: clamp((event.clientX - box.left) / box.width),
      y: clamp((event.clientY - box.top) / box.height),
    };
  };
  const add = (shape: MarkupShape) => setShapes((current) => [...current, shape].slice(0, MAX_MARKUP_SHAPES));

  const down = (event: PointerEvent<SVGSVGElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    const point = at(event);
    if (tool === 'text') {
      if (text.trim()) add({ kind: 'text', x: point.x, y: point.y, text: text.trim() });
      return;
    }
    setDraft({ from: point, to: point });
  };
  const move = (event: PointerEvent<SVGSVGElement>) => {
    if (draft) setDraft({ ...draft, to: at(event) });
  };
  const up = () => {
    if (!draft) return;
    const shape = shapeOf(tool, draft.from, draft.to, aspect);
    if (shape) add(shape);
    setDraft(undefined);
  };
  const preview = draft && shapeOf(tool, draft.from, draft.to, aspect);

  return (
    <div className="markup" role="dialog" aria-modal="true" aria-label={t('markup.title')} data-testid="markup-editor">
      <div className="markup__tools" role="radiogroup" aria-label={t('markup.tools')}>
        {(['circle', 'arrow', 'text'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="radio"
            aria-checked={tool === name}
            className={`button${tool === name ? ' button--primary' : ''}`}
            onClick={() => setTool(name)}
          >
            {t(`markup.${name}`)}
          </button>
        ))}
        <button
          type="button"
          className="button"
          disabled={shapes.length === 0}
          onClick={() => setShapes((current) => current.slice(0, -1))}
        >
          {t('markup.undo')}
        </button>
      </div>
      {tool === 'text' && (
        <label className="field">
          <span className="field__label">{t('markup.textLabel')}</span>
          <input
            className="field__input"
            value={text}
            maxLength={MAX_MARKUP_TEXT}
            onChange={(event) => setText(event.target.value)}
          />
        </label>
      )}
      <div className="markup__stage">
        <img src={url} alt="" className="markup__photo" />
        <svg
          className="markup__surface"
          viewBox="0 0 1 1"
          preserveAspectRatio="none"
          onPointerDown={down}
          onPointerMove={move}
          onPointerUp={up}
          onPointerCancel={() => setDraft(undefined)}
          data-testid="markup-surface"
        >
          {[...shapes, ...(preview ? [preview] : [])].map((shape, index) => (
            <ShapeView key={index} shape={shape} aspect={aspect} />
          ))}
        </svg>
      </div>
      <div className="markup__actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('markup.cancel')}
        </button>
        <button type="button" className="button button--primary" onClick={() => onDone(shapes)}>
          {shapes.length > 0 ? t('markup.save', { count: shapes.length }) : t('markup.saveUnmarked')}
        </button>
      </div>
    </div>
  );
}

/** A drag as a shape; a drag too short to mean anything makes none. */
export function shapeOf(tool: Tool, from: Point, to: Point, aspect: number): MarkupShape | undefined {
  const dx = to.x - from.x;
  const dy = (to.y - from.y) / aspect; // in units of the width, as the radius is
  const length = Math.hypot(dx, dy);
  if (tool === 'text' || length < 0.02) return undefined;
  if (tool === 'circle') return { kind: 'circle', x: from.x, y: from.y, r: round(length) };
  return { kind: 'arrow', x1: from.x, y1: from.y, x2: to.x, y2: to.y };
}

function ShapeView({ shape, aspect }: { shape: MarkupShape; aspect: number }) {
  const stroke = { stroke: '#ff1f1f', strokeWidth: 3, vectorEffect: 'non-scaling-stroke' as const, fill: 'none' };
  if (shape.kind === 'circle')
    return <ellipse cx={shape.x} cy={shape.y} rx={shape.r} ry={shape.r * aspect} {...stroke} />;
  if (shape.kind === 'arrow')
    return (
      <g {...stroke}>
        <line x1={shape.x1} y1={shape.y1} x2={shape.x2} y2={shape.y2} />
        <circle cx={shape.x2} cy={shape.y2} r={0.012} fill="#ff1f1f" />
      </g>
    );
  return (
    <text x={shape.x} y={shape.y} fontSize={0.06} fill="#ff1f1f" dominantBaseline="middle" transform-origin="0 0">
      {shape.text}
    </text>
  );
}

const clamp = (value: number) => Math.min(1, Math.max(0, round(value)));
const round = (value: number) => Math.round(value * 10_000) / 10_000;
