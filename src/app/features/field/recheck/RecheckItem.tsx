import { useTranslation } from '../../../i18n';
import type { Verdict } from '../../../../domain/wire';
import { VERDICTS } from '../../../../domain/wire';
import { cityDateTime } from '../../../../domain/dates';
import type { LocalRecheck, Rectification, RectificationUnitAnswer } from '../../../db/types';
import { ChoiceButton } from '../../../ui/ChoiceButton';
import { NoteField } from '../../../ui/NoteField';
import { PhotoStrip } from '../../../ui/PhotoStrip';

export interface BeforeThumbnail {
  sha256: string;
  /** Object URL of the stored thumbnail; absent while the photo is not downloaded. */
  url?: string;
}

export interface RecheckItemProps {
  rectification: Pick<Rectification, 'itemId' | 'grade' | 'dueOn' | 'status' | 'note' | 'dispatchedAt'>;
  /** The responsible unit's latest answer (#17), its photos as downloaded with the before-photos. */
  unitAnswer?: (RectificationUnitAnswer & { thumbnails: readonly BeforeThumbnail[] }) | undefined;
  itemTitle: string;
  siteName: string;
  overdue: boolean;
  before: readonly BeforeThumbnail[];
  recheck: Pick<LocalRecheck, 'verdict' | 'note' | 'photos' | 'status'>;
  /** Object URLs of the after-photos' thumbnails, by hash. */
  afterThumbnails: Record<string, string>;
  busyPhotos: number;
  /** Why the last submit was refused (Chinese, from the database module). */
  problems?: readonly string[] | undefined;
  onVerdict: (verdict: Verdict) => void;
  onNote: (note: string) => void;
  onAddPhotos: (files: FileList) => void;
  onRemovePhoto: (sha256: string) => void;
  onViewBefore: (sha256: string) => void;
  onViewAfter: (sha256: string) => void;
  onSubmit: () => void;
  onRevise: () => void;
}

/**
 * One rectification being rechecked: the original finding (item, grade, the inspector's note),
 * before- and after-photos side by side, the verdict (fixed / not fixed), a note and submit.
 * Presentational: the page (RecheckItemPage) stores every change as it happens.
 */
export function RecheckItem(props: RecheckItemProps) {
  const { rectification, recheck, problems } = props;
  const { t } = useTranslation();
  const readOnly = recheck.status !== 'draft';
  // Either verdict is evidence from the visit: the fix, or what is still wrong.
  const photoNeededFor = recheck.photos.length === 0 ? recheck.verdict : undefined;
  return (
    <article className="recheck-item" aria-labelledby="recheck-item-title">
      <h1 id="recheck-item-title" className="recheck-item__title">
        <span className="item-card__id">{rectification.itemId}</span> {props.itemTitle}
      </h1>
      <p className="muted">
        {props.siteName} · {t('recheck.due', { date: rectification.dueOn })}{' '}
        {props.overdue && <span className="badge badge--overdue">{t('recheck.overdue')}</span>}{' '}
        {rectification.status === 'closed' && <span className="badge badge--ok">{t('recheck.closedOut')}</span>}
      </p>

      <section className="recheck-item__finding" aria-labelledby="recheck-finding">
        <h2 id="recheck-finding" className="recheck-item__heading">
          {t('recheck.finding')}
        </h2>
        <p>
          <span className={`grade-badge grade-badge--${rectification.grade === 'C#' ? 'Cs' : rectification.grade}`}>
            {t('recheck.grade', { grade: rectification.grade })}
          </span>
        </p>
        <p data-testid="inspector-note">
          {rectification.note ? t('recheck.inspectorNote', { note: rectification.note }) : t('recheck.noInspectorNote')}
        </p>
      </section>

      {rectification.dispatchedAt && <UnitAnswerSection answer={props.unitAnswer} onView={props.onViewBefore} />}

      <div className="recheck-compare">
        <section className="recheck-compare__side" aria-labelledby="recheck-before">
          <h2 id="recheck-before" className="recheck-item__heading">
            {t('recheck.before')}
          </h2>
          {props.before.length === 0 ? (
            <p className="muted">{t('recheck.noBeforePhotos')}</p>
          ) : (
            <ul className="photo-strip__list" data-testid="before-photos">
              {props.before.map((photo, index) => (
                <li key={photo.sha256} className="photo-strip__item">
                  <button
                    type="button"
                    className="photo-strip__thumb"
                    // The name contains the visible words ("未下载") so that voice control can say them.
                    aria-label={
                      photo.url
                        ? t('recheck.viewBeforePhoto', { number: index + 1 })
                        : t('recheck.beforePhotoMissing', { number: index + 1, state: t('recheck.notDownloaded') })
                    }
                    disabled={!photo.url}
                    onClick={() => props.onViewBefore(photo.sha256)}
                  >
                    {photo.url ? (
                      <img src={photo.url} alt="" />
                    ) : (
                      <span className="recheck-compare__missing">{t('recheck.notDownloaded')}</span>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="recheck-compare__side" aria-labelledby="recheck-after">
          <h2 id="recheck-after" className="recheck-item__heading">
            {t('recheck.after')}{' '}
            {photoNeededFor && (
              <span className="badge badge--warn" data-testid="photo-required">
                {t(`recheck.photoRequired.${photoNeededFor}`)}
              </span>
            )}
          </h2>
          <PhotoStrip
            photos={recheck.photos}
            thumbnails={props.afterThumbnails}
            busy={props.busyPhotos}
            readOnly={readOnly}
            testId="after-photos"
            labels={{
              view: t('recheck.viewAfterPhoto'),
              remove: t('recheck.deletePhoto'),
              processing: t('recheck.processingPhoto'),
              take: t('recheck.takePhoto'),
              choose: t('recheck.choosePhoto'),
            }}
            onAdd={props.onAddPhotos}
            onRemove={props.onRemovePhoto}
            onView={props.onViewAfter}
          />
        </section>
      </div>

      <fieldset className="recheck-item__verdict">
        <legend className="field__label" id="recheck-verdict">
          {t('recheck.verdictLabel')}
        </legend>
        <div className="grade-buttons" role="radiogroup" aria-labelledby="recheck-verdict">
          {VERDICTS.map((verdict) => (
            <ChoiceButton
              key={verdict}
              checked={recheck.verdict === verdict}
              className={`grade-button verdict-button verdict-button--${verdict}`}
              disabled={readOnly}
              onChoose={() => props.onVerdict(verdict)}
            >
              {t(`recheck.verdict.${verdict}`)}
            </ChoiceButton>
          ))}
        </div>
      </fieldset>

      {rectification.dispatchedAt && recheck.verdict === 'not_fixed' && (
        <p className="notice" data-testid="send-back-hint">
          {t('recheck.sendBack')}
        </p>
      )}

      <NoteField
        label={t('recheck.note')}
        placeholder={t('recheck.notePlaceholder')}
        rows={3}
        note={recheck.note}
        readOnly={readOnly}
        onNote={props.onNote}
      />

      {problems && problems.length > 0 && (
        <div className="notice notice--error" role="alert">
          <p>{t('recheck.problemsTitle')}</p>
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}

      {recheck.status === 'submitted' && (
        <p className="notice" role="status">
          {t('recheck.submittedNotice')}
        </p>
      )}
      {recheck.status === 'synced' && (
        <p className="notice notice--ok" role="status">
          {t('recheck.syncedNotice')}
        </p>
      )}
      {readOnly ? (
        <button type="button" className="button button--block" onClick={props.onRevise}>
          {t('recheck.revise')}
        </button>
      ) : (
        <button type="button" className="button button--primary button--block" onClick={props.onSubmit}>
          {t('recheck.submit')}
        </button>
      )}
    </article>
  );
}

/** What the unit says it did, beside the before-photos: the rechecker checks it on site. */
function UnitAnswerSection({
  answer,
  onView,
}: {
  answer: RecheckItemProps['unitAnswer'];
  onView: (sha256: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <section className="recheck-item__finding" aria-labelledby="recheck-unit-answer" data-testid="unit-answer">
      <h2 id="recheck-unit-answer" className="recheck-item__heading">
        {t('recheck.unitAnswer.title')}
      </h2>
      {!answer ? (
        <p className="muted">{t('recheck.unitAnswer.none')}</p>
      ) : (
        <>
          <p>{t('recheck.unitAnswer.action', { action: answer.action })}</p>
          {answer.note && <p>{t('recheck.unitAnswer.note', { note: answer.note })}</p>}
          <p className="muted">{t('recheck.unitAnswer.at', { at: cityDateTime(answer.answeredAt) })}</p>
          <ul
            className="photo-strip__list"
            aria-label={t('recheck.unitAnswer.photos')}
            data-testid="unit-answer-photos"
          >
            {answer.thumbnails.map((photo, index) => (
              <li key={photo.sha256} className="photo-strip__item">
                <button
                  type="button"
                  className="photo-strip__thumb"
                  aria-label={
                    photo.url
                      ? t('recheck.unitAnswer.viewPhoto', { number: index + 1 })
                      : t('recheck.unitAnswer.photoMissing', { number: index + 1, state: t('recheck.notDownloaded') })
                  }
                  disabled={!photo.url}
                  onClick={() => onView(photo.sha256)}
                >
                  {photo.url ? (
                    <img src={photo.url} alt="" />
                  ) : (
                    <span className="recheck-compare__missing">{t('recheck.notDownloaded')}</span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
