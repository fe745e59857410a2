import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { Link } from 'wouter';
import type { User } from '../../../../domain/wire';
import { StorageFullError } from '../../../db/database';
import { localErrorText } from '../../../i18n/local-errors';
import {
  amendInspection,
  attachPhoto,
  detachPhoto,
  openInspection,
  recordFix,
  setLocation,
  setSitePosition,
  submitInspection,
  updateAnswer,
} from '../../../db/inspections';
import { useChecklist, useRoundSites, useSiteReviews } from '../../../db/live';
import type { GeoLocation, LocalInspection, PhotoRecord } from '../../../db/types';
import type { MarkupShape } from '../../../photos/markup-draw';
import { useAttachPhotos } from '../../../photos/use-attach-photos';
import { useThumbnails } from '../../../photos/use-thumbnails';
import { freshFix, locateOnce, watchFixes, type TimedFix } from '../../../platform/location';
import { requestPersistenceOnce } from '../../../platform/storage';
import { useServices } from '../../../services';
import { PhotoViewer } from '../../../ui/PhotoViewer';
import { ReviewNote } from '../../../ui/ReviewNote';
import { UndoBar } from '../../../ui/UndoBar';
import { nextSiteToInspect } from '../sites/site-order';
import { ChecklistForm, type AnswerPatch } from './ChecklistForm';
import { useRubricText } from './rubric-text';
import { SubmittedConfirmation } from './SubmittedConfirmation';
import { submitProblemsText } from './submit-problems';

/** The mark-up editor: loaded when first wanted, never with the checklist. */
const MarkupEditor = lazy(() => import('../../../ui/MarkupEditor'));

type LocationState = 'located' | 'denied' | 'unavailable' | undefined;

/** A photo just deleted from an item, held in memory so that it can be put back. */
interface DeletedPhoto {
  itemId: string;
  photo: PhotoRecord;
}

/**
 * The photo with its bytes copied into memory: a Blob read from IndexedDB may be backed by the
 * stored file, which goes with its row when the photo is deleted.
 */
async function inMemory(photo: PhotoRecord): Promise<PhotoRecord> {
  const copy = async (blob: Blob) => new Blob([await blob.arrayBuffer()], { type: blob.type });
  return { ...photo, blob: await copy(photo.blob), thumbnail: await copy(photo.thumbnail) };
}

/**
 * One site's inspection: opens (or resumes) the local inspection, saves every change at once,
 * runs photos through the worker into storage, and submits into the outbox.
 */
export function InspectPage({ user, roundId, siteId }: { user: User; roundId: string; siteId: string }) {
  const { t } = useTranslation();
  const services = useServices();
  const { db } = services;
  const text = useRubricText();
  const checklist = useChecklist(db, roundId, siteId, user.id);
  const inspection = checklist?.inspection;
  const rubric = checklist?.rubric;
  const photos = checklist?.photos;
  const thumbnails = useThumbnails(photos);
  const attachPhotos = useAttachPhotos('inspect.photoFailed');
  const [viewing, setViewing] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [photoFailures, setPhotoFailures] = useState<Record<string, string>>({});
  const photoFailed = (itemId: string, message: string | undefined) =>
    setPhotoFailures(({ [itemId]: _previous, ...others }) => (message ? { ...others, [itemId]: message } : others));
  const [location, setLocationState] = useState<LocationState>();
  const [deleted, setDeleted] = useState<DeletedPhoto>();
  const [justSubmitted, setJustSubmitted] = useState(false);
  const [marking, setMarking] = useState<{
    itemId: string;
    file: File;
    picker: 'camera' | 'gallery';
    pickedAt: Date;
  }>();
  const roundSites = useRoundSites(db, roundId, user.id);
  const siteReviews = useSiteReviews(db, user.id);

  const report = (error: unknown) => setFailure(localErrorText(t, error));

  // The first visit to this site: make the inspection (the read above then finds it).
  const round = checklist?.round;
  const needsOpening = Boolean(checklist?.site && round && checklist.inspection === null);
  useEffect(() => {
    if (!needsOpening || !round) return;
    openInspection(db, {
      roundId,
      siteId,
      inspectorId: user.id,
      rubricVersion: round.rubricVersion,
      now: services.now(),
    }).catch(report);
  }, [needsOpening]); // eslint-disable-line react-hooks/exhaustive-deps

  // Location is asked once, when the inspection starts; the answer (or its refusal) is stored.
  const needsLocation = inspection?.status === 'draft' && inspection.location === undefined;
  const inspectionId = inspection?.id;
  useEffect(() => {
    if (!needsLocation || !inspectionId) return;
    void locateOnce().then(async (outcome) => {
      setLocationState(outcome.fix ? 'located' : outcome.reason);
      await setLocation(db, inspectionId, outcome.fix).catch(report);
    });
  }, [needsLocation, inspectionId]); // eslint-disable-line react-hooks/exhaustive-deps

  // Proof of presence: follow the position while a draft is open; photos and submit take the latest.
  const latestFix = useRef<TimedFix>(undefined);
  const isDraft = inspection?.status === 'draft';
  useEffect(() => {
    if (!isDraft) return;
    return watchFixes((fix) => {
      latestFix.current = fix;
    });
  }, [isDraft]);
  const currentFix = () => freshFix(latestFix.current, services.now().getTime());

  // Opening failed (a full disk): say so, instead of loading for ever.
  if (needsOpening && failure)
    return (
      <p className="notice notice--error" role="alert">
        {failure}
      </p>
    );
  if (checklist === undefined || needsOpening) return <p role="status">{t('common.loading')}</p>;
  const { site } = checklist;
  if (!site || !round || !inspection || !rubric) return <p className="notice">{t('inspect.notFound')}</p>;
  const current: LocalInspection = inspection;
  const readOnly = current.status !== 'draft';
  // The office's word on this inspection (any revision: a return's comments guide the amendment).
  const review = siteReviews?.get(`${roundId}:${siteId}`);
  const reviewShown = review?.inspectionId === current.id ? review : undefined;
  const reviewComments = Object.fromEntries(
    (reviewShown?.itemComments ?? []).map((entry) => [entry.itemId, entry.comment]),
  );
  const itemTitle = (itemId: string) => {
    const item = rubric.items.find((candidate) => candidate.id === itemId);
    return item ? `${itemId} ${text.item(item).title}` : itemId;
  };

  const save = (work: Promise<unknown>) =>
    work.then(() => {
      setFailure(undefined);
      void requestPersistenceOnce(db, services.now());
    }, report);

  const changeAnswer = (itemId: string, patch: AnswerPatch) => {
    const stored = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    void save(updateAnswer(db, current.id, itemId, stored, services.now()));
  };

  const addPhotos = (itemId: string, files: FileList, picker: 'camera' | 'gallery', markUp?: boolean) => {
    // "拍照并标注": the editor first (one photo); the marks then go with the photo to the worker.
    const [first] = files;
    if (markUp && first) {
      setMarking({ itemId, file: first, picker, pickedAt: services.now() });
      return;
    }
    attachFiles(itemId, [...files], picker, undefined);
  };

  const attachFiles = (
    itemId: string,
    files: File[],
    picker: 'camera' | 'gallery',
    markup: MarkupShape[] | undefined,
    pickedAt?: Date,
  ) => {
    const item = rubric.items.find((candidate) => candidate.id === itemId)!;
    const here = currentFix();
    if (here) void save(recordFix(db, current.id, here, 'photo', services.now()));
    const works = attachPhotos.add(
      files,
      {
        key: itemId,
        stamp: {
          siteName: site.name,
          itemLabel: `${item.id} ${item.title}`,
          inspectorName: user.displayName,
          kind: 'inspection',
          ...(markup && markup.length > 0 && { markup }),
        },
        gps: here ?? current.location ?? undefined,
        inspectorId: user.id,
        attach: (photo) => attachPhoto(db, current.id, itemId, photo, services.now()),
      },
      picker,
      pickedAt,
    );
    // A failed photo is said at its item, where the person is looking; a full phone, at the top
    // like every other change that could not be saved.
    for (const work of works)
      void save(
        work.then(
          () => photoFailed(itemId, undefined),
          (error: unknown) => {
            if (error instanceof StorageFullError) throw error;
            photoFailed(itemId, error instanceof Error ? error.message : String(error));
          },
        ),
      );
  };

  const submit = async () => {
    const result = await submitInspection(db, current.id, services.now(), currentFix()).catch((error: unknown) => {
      report(error);
      return undefined;
    });
    if (!result) return;
    if (result.ok) {
      setFailure(undefined);
      setJustSubmitted(true);
    } else {
      setFailure(submitProblemsText(t, result.problems));
    }
  };

  // Deleted at once, with a few seconds to undo: the photo goes back with its blobs (at the end of
  // the item's photos).
  const removePhoto = async (itemId: string, sha256: string) => {
    const record = photos?.find((photo) => photo.sha256 === sha256);
    const kept = record && (await inMemory(record));
    await save(detachPhoto(db, current.id, itemId, sha256, services.now()));
    if (kept) setDeleted({ itemId, photo: kept });
  };
  const undoDelete = () => {
    if (!deleted) return;
    setDeleted(undefined);
    void save(attachPhoto(db, current.id, deleted.itemId, deleted.photo, services.now()));
  };

  const nextSite = roundSites && nextSiteToInspect(roundSites.sites, roundSites.states, siteId);
  const viewed = viewing ? photos?.find((photo) => photo.sha256 === viewing) : undefined;
  return (
    <section>
      <p>
        <Link href="/" className="back-link">
          ← {t('common.back')}
        </Link>
      </p>
      <h1>{site.name}</h1>
      {reviewShown && <ReviewNote decision={reviewShown} itemTitle={itemTitle} />}
      <p className="muted">
        {text.typeTitle(rubric)} · {site.district} · {site.id}
        {' · '}
        {t(
          `inspect.location.${needsLocation ? 'locating' : (location ?? (current.location ? 'located' : 'unavailable'))}`,
          {
            accuracy: current.location?.accuracy ?? '?',
          },
        )}
      </p>
      {!readOnly && site.lat == null && (
        <SitePositionChoice
          chosen={current.sitePosition}
          onUse={() => {
            const here = currentFix() ?? current.location ?? undefined;
            if (here) void save(setSitePosition(db, current.id, here, services.now()));
            else setFailure(t('inspect.sitePosition.noFix'));
          }}
          onUndo={() => void save(setSitePosition(db, current.id, null, services.now()))}
        />
      )}
      {readOnly && <SubmittedConfirmation inspection={current} nextSite={nextSite} takeFocus={justSubmitted} />}
      {readOnly && (
        <button
          type="button"
          className="button"
          onClick={() => void save(amendInspection(db, current.id, services.now()))}
        >
          {t('inspect.amend', { revision: current.revision + 1 })}
        </button>
      )}
      {failure && (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      )}
      <ChecklistForm
        key={`${current.id}@${current.revision}:${current.status}`}
        rubric={rubric}
        answers={current.answers}
        thumbnails={thumbnails}
        busyPhotos={attachPhotos.busy}
        photoFailures={photoFailures}
        readOnly={readOnly}
        reviewComments={reviewComments}
        onAnswerChange={changeAnswer}
        onAddPhotos={addPhotos}
        onRemovePhoto={(itemId, sha256) => void removePhoto(itemId, sha256)}
        onViewPhoto={setViewing}
        onSubmit={submit}
      />
      {deleted && !readOnly && (
        <UndoBar
          key={deleted.photo.sha256}
          message={t('inspect.photoDeleted')}
          undoLabel={t('common.undo')}
          onUndo={undoDelete}
          onDismiss={() => setDeleted(undefined)}
        />
      )}
      {marking && (
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <MarkupEditor
            file={marking.file}
            onCancel={() => setMarking(undefined)}
            onDone={(shapes) => {
              setMarking(undefined);
              attachFiles(marking.itemId, [marking.file], marking.picker, shapes, marking.pickedAt);
            }}
          />
        </Suspense>
      )}
      {viewed && <PhotoViewer photo={viewed} onClose={() => setViewing(undefined)} />}
    </section>
  );
}

/** A site without coordinates: the inspector may give it this phone's position (marked as such). */
function SitePositionChoice(props: { chosen: GeoLocation | undefined; onUse: () => void; onUndo: () => void }) {
  const { t } = useTranslation();
  if (props.chosen)
    return (
      <p className="notice" data-testid="site-position">
        {t('inspect.sitePosition.chosen', { accuracy: props.chosen.accuracy ?? '?' })}{' '}
        <button type="button" className="button" onClick={props.onUndo}>
          {t('inspect.sitePosition.undo')}
        </button>
      </p>
    );
  return (
    <p className="notice" data-testid="site-position">
      {t('inspect.sitePosition.missing')}{' '}
      <button type="button" className="button" onClick={props.onUse}>
        {t('inspect.sitePosition.use')}
      </button>
    </p>
  );
}
