/**
 * What the unit does with an item: 整改反馈 (what was done, after-photos, a note), 申请延期 (a
 * reason and the date), 申请回退 (a reason) or 申诉 (a reason and evidence photos, while the
 * round's objection days last). Photos go through the app's own pipeline (watermark marked
 * 整改 with site, item, time, the unit and the position; SHA-256). 提交 freezes the answer with
 * its photos on the phone (db/unit-work.ts); the unit's sender takes it from there.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { UnitRequestKind } from '../../../../domain/wire';
import type { UnitItem } from '../../../api/unit-work-api';
import { queueUnitEntry, type LocalUnitPhoto, type UnitEntryBody } from '../../../db/unit-work';
import { useTranslation } from '../../../i18n';
import { localErrorText } from '../../../i18n/local-errors';
import { locateOnce, type Fix } from '../../../platform/location';
import { useServices } from '../../../services';

const TEXT_MAX = 2000;
const PHOTOS_MAX = 20;

type Kind = 'answer' | UnitRequestKind;

interface TakenPhoto extends LocalUnitPhoto {
  url: string;
}

export interface UnitAnswerFormProps {
  item: UnitItem;
  scope: string;
  unitName: string | undefined;
  /** Shanghai date today: whether objections are still open. */
  today: string;
  onQueued: () => void;
}

/** One position for the page's photos, asked once; refused or slow location never blocks. */
function usePosition(): Fix | undefined {
  const [fix, setFix] = useState<Fix>();
  useEffect(() => {
    let live = true;
    void locateOnce().then((outcome) => {
      if (live && outcome.fix) setFix(outcome.fix);
    });
    return () => {
      live = false;
    };
  }, []);
  return fix;
}

export function UnitAnswerForm({ item, scope, unitName, today, onQueued }: UnitAnswerFormProps) {
  const { t } = useTranslation('unit');
  const { t: tMain } = useTranslation();
  const services = useServices();
  const position = usePosition();
  const [kind, setKind] = useState<Kind>('answer');
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [dueOn, setDueOn] = useState('');
  const [photos, setPhotos] = useState<TakenPhoto[]>([]);
  const [processing, setProcessing] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [queued, setQueued] = useState(false);
  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((url) => URL.revokeObjectURL(url)), []);

  const objectionOpen = item.objectionUntil !== null && today <= item.objectionUntil;
  const kinds: Kind[] = ['answer', 'extension', 'return', ...(objectionOpen ? (['objection'] as const) : [])];

  const addPhotos = async (files: FileList | null) => {
    const picked = Array.from(files ?? []).slice(0, PHOTOS_MAX - photos.length);
    setProcessing(true);
    setProblem(undefined);
    try {
      for (const file of picked) {
        const done = await services.photos.process(file, {
          kind: 'unit',
          siteName: item.siteName,
          itemLabel: item.itemId,
          inspectorName: unitName ?? '',
          takenAt: services.now().toISOString(),
          ...(position && { gps: position }),
        });
        const taken: TakenPhoto = { ...pickPhoto(done), url: URL.createObjectURL(done.thumbnail) };
        urls.current.push(taken.url);
        setPhotos((current) => (current.some((p) => p.sha256 === taken.sha256) ? current : [...current, taken]));
      }
    } catch (error) {
      setProblem(localErrorText(tMain, error));
    } finally {
      setProcessing(false);
    }
  };

  const check = (): string | undefined => {
    const words = text.trim();
    const field = kind === 'answer' ? t('form.action') : t(`form.${kind}Reason`);
    if (!words || words.length > TEXT_MAX) return t('problem.text', { field, max: TEXT_MAX });
    if (kind === 'extension' && !(dueOn > item.dueOn)) return t('problem.date', { date: item.dueOn });
    if ((kind === 'answer' || kind === 'objection') && photos.length === 0) return t('problem.photo');
    if (photos.length > PHOTOS_MAX) return t('problem.tooManyPhotos', { max: PHOTOS_MAX });
    return undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wrong = check();
    setProblem(wrong);
    if (wrong) return;
    setSaving(true);
    try {
      await queueUnitEntry(
        services.db,
        {
          scope,
          body: bodyOf(kind, item, text.trim(), note.trim(), dueOn, photos, services.now()),
          photos: photos.map(pickPhoto),
        },
        services.now(),
      );
      setText('');
      setNote('');
      setDueOn('');
      setPhotos([]);
      setQueued(true);
      onQueued();
    } catch (error) {
      setProblem(t('problem.save', { message: localErrorText(tMain, error) }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="unit-form" onSubmit={(event) => void submit(event)} noValidate data-testid="unit-form">
      <fieldset className="choice-group">
        <legend>{t('action.label')}</legend>
        {kinds.map((value) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name="unit-kind"
              value={value}
              checked={kind === value}
              onChange={() => {
                setKind(value);
                setProblem(undefined);
                setQueued(false);
              }}
            />
            {t(`action.${value}`)}
          </label>
        ))}
      </fieldset>
      {item.objectionUntil && (
        <p className="muted">
          {objectionOpen
            ? t('action.objectionUntil', { date: item.objectionUntil })
            : t('action.objectionClosed', { date: item.objectionUntil })}
        </p>
      )}
      <label className="field">
        <span>{kind === 'answer' ? t('form.action') : t(`form.${kind}Reason`)}</span>
        <textarea
          value={text}
          rows={3}
          maxLength={TEXT_MAX}
          placeholder={kind === 'answer' ? t('form.actionPlaceholder') : undefined}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      {kind === 'extension' && (
        <label className="field">
          <span>{t('form.extensionDate')}</span>
          <input type="date" value={dueOn} min={item.dueOn} onChange={(event) => setDueOn(event.target.value)} />
        </label>
      )}
      {kind === 'answer' && (
        <label className="field">
          <span>{t('form.note')}</span>
          <input type="text" value={note} maxLength={TEXT_MAX} onChange={(event) => setNote(event.target.value)} />
        </label>
      )}
      <div className="field">
        <span>
          {kind === 'answer' ? t('form.photos') : kind === 'objection' ? t('form.evidence') : t('form.optionalPhotos')}
        </span>
        <div className="thumb-row" data-testid="unit-photos">
          {photos.map((photo) => (
            <button
              key={photo.sha256}
              type="button"
              className="photo-thumb"
              aria-label={t('form.removePhoto')}
              onClick={() => setPhotos((current) => current.filter((p) => p.sha256 !== photo.sha256))}
            >
              <img src={photo.url} alt="" />
            </button>
          ))}
        </div>
        {photos.length < PHOTOS_MAX && (
          <label className="button">
            {processing ? t('form.processing') : t('form.takePhoto')}
            <input
              className="visually-hidden"
              type="file"
              accept="image/*"
              capture="environment"
              multiple
              disabled={processing}
              data-testid="unit-photo-input"
              onChange={(event) => {
                void addPhotos(event.target.files);
                event.target.value = '';
              }}
            />
          </label>
        )}
      </div>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      {queued && !problem && (
        <p className="notice notice--ok" role="status">
          {t('form.queued')}
        </p>
      )}
      <button type="submit" className="button button--primary button--block" disabled={saving || processing}>
        {saving ? t('form.saving') : t('form.submit')}
      </button>
    </form>
  );
}

function pickPhoto({ sha256, blob, thumbnailSha256, thumbnail }: LocalUnitPhoto): LocalUnitPhoto {
  return { sha256, blob, thumbnailSha256, thumbnail };
}

/** The wire body, with a device-made id: the server's PUT is idempotent by it. */
function bodyOf(
  kind: Kind,
  item: UnitItem,
  text: string,
  note: string,
  dueOn: string,
  photos: readonly LocalUnitPhoto[],
  now: Date,
): UnitEntryBody {
  const id = crypto.randomUUID();
  const hashes = photos.map((photo) => photo.sha256);
  if (kind === 'answer')
    return {
      kind: 'answer',
      answer: {
        id,
        rectificationId: item.id,
        action: text,
        ...(note && { note }),
        photos: hashes,
        answeredAt: now.toISOString(),
      },
    };
  return {
    kind: 'request',
    request: {
      id,
      rectificationId: item.id,
      kind,
      reason: text,
      ...(kind === 'extension' && { dueOn }),
      photos: hashes,
      requestedAt: now.toISOString(),
    },
  };
}
