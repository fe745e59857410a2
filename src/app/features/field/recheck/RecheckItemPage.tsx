import { useEffect, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { Link } from 'wouter';
import { cityDate } from '../../../../domain/dates';
import { isOverdue } from '../../../../domain/rectification-progress';
import type { User, Verdict } from '../../../../domain/wire';
import { localErrorText } from '../../../i18n/local-errors';
import { useBeforePhotos, useRecheck, useRecheckPhotos, useRecheckTask } from '../../../db/recheck-live';
import {
  attachRecheckPhoto,
  detachRecheckPhoto,
  openRecheck,
  reviseRecheck,
  submitRecheck,
  updateVerdict,
} from '../../../db/rechecks';
import type { GeoLocation, LocalRecheck } from '../../../db/types';
import { useAttachPhotos } from '../../../photos/use-attach-photos';
import { useThumbnails } from '../../../photos/use-thumbnails';
import { locateOnce } from '../../../platform/location';
import { requestPersistenceOnce } from '../../../platform/storage';
import { useServices } from '../../../services';
import { PhotoViewer } from '../../../ui/PhotoViewer';
import { useRubricText } from '../inspect/rubric-text';
import { BeforePhotoViewer } from './BeforePhotoViewer';
import { RecheckItem } from './RecheckItem';
import { problemText } from './recheck-problems';
import './recheck.css';

/**
 * Rechecking one rectification, offline: opens (or resumes) the local recheck, saves every
 * change at once (verdict, note, after-photos through the photo worker, stamped 复查), and
 * submits into the outbox; a submitted verdict can be changed by a new recheck.
 */
export function RecheckItemPage({ user, rectificationId }: { user: User; rectificationId: string }) {
  const { t } = useTranslation();
  const services = useServices();
  const { db } = services;
  const text = useRubricText();
  const task = useRecheckTask(db, rectificationId);
  const [recheckId, setRecheckId] = useState<string>();
  const recheck = useRecheck(db, recheckId);
  const afterPhotos = useRecheckPhotos(db, recheckId);
  const afterThumbnails = useThumbnails(afterPhotos);
  // The unit's after-photos are downloaded with the before-photos (before-photo-download.ts).
  const beforePhotos = useBeforePhotos(db, [
    ...(task?.rectification.beforePhotos ?? []),
    ...(task?.rectification.unitAnswer?.photos ?? []),
  ]);
  const beforeUrls = useThumbnails(beforePhotos);
  const attachPhotos = useAttachPhotos('recheck.photoFailed');
  const [viewing, setViewing] = useState<{ side: 'before' | 'after'; sha256: string }>();
  const [problems, setProblems] = useState<string[]>();
  const [failure, setFailure] = useState<string>();
  const [gps, setGps] = useState<GeoLocation>();

  const report = (error: unknown) => setFailure(localErrorText(t, error));

  const exists = Boolean(task);
  useEffect(() => {
    if (!exists) return;
    openRecheck(db, rectificationId, services.now())
      .then((opened) => setRecheckId(opened.id))
      .catch(report);
  }, [exists, rectificationId]); // eslint-disable-line react-hooks/exhaustive-deps

  // A position for the after-photos' watermark, asked once; refused or slow never blocks the work.
  useEffect(() => {
    let live = true;
    void locateOnce().then((outcome) => {
      if (live && outcome.fix) setGps(outcome.fix);
    });
    return () => {
      live = false;
    };
  }, []);

  if (task === undefined || (task && (!recheckId || recheck === undefined))) {
    return <p role="status">{t('common.loading')}</p>;
  }
  if (!task || !recheck) {
    return (
      <section>
        <p>
          <Link href="/">← {t('common.back')}</Link>
        </p>
        <p className="notice">{t('recheck.notFound')}</p>
      </section>
    );
  }
  const current: LocalRecheck = recheck;
  const { rectification, site, item } = task;
  const itemTitle = item ? text.item(item).title : rectification.itemId;
  const siteName = site?.name ?? rectification.siteId;

  const save = (work: Promise<unknown>) =>
    work.then(() => {
      setFailure(undefined);
      void requestPersistenceOnce(db, services.now());
    }, report);

  const addPhotos = (files: FileList) => {
    const works = attachPhotos.add(files, {
      key: rectificationId,
      stamp: {
        siteName,
        itemLabel: `${rectification.itemId} ${itemTitle}`,
        inspectorName: user.displayName,
        kind: 'recheck',
      },
      gps,
      inspectorId: user.id,
      attach: (photo) => attachRecheckPhoto(db, current.id, photo, services.now()),
    });
    for (const work of works) void save(work);
  };

  const submit = async () => {
    const result = await submitRecheck(db, current.id, services.now()).catch((error: unknown) => {
      report(error);
      return undefined;
    });
    if (!result) return;
    if (result.ok) {
      setProblems(undefined);
      setFailure(undefined);
    } else {
      setProblems(result.problems.map((problem) => problemText(t, problem, current.verdict)));
    }
  };

  const viewedAfter =
    viewing?.side === 'after' ? afterPhotos?.find((photo) => photo.sha256 === viewing.sha256) : undefined;
  const viewedBefore =
    viewing?.side === 'before' ? beforePhotos?.find((photo) => photo.sha256 === viewing.sha256) : undefined;
  return (
    <section>
      <p>
        <Link href="/">← {t('common.back')}</Link>
      </p>
      {failure && (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      )}
      <RecheckItem
        key={current.id}
        rectification={rectification}
        itemTitle={itemTitle}
        siteName={siteName}
        overdue={isOverdue(rectification, cityDate(services.now()))}
        before={rectification.beforePhotos.map((sha256) => ({
          sha256,
          ...(beforeUrls[sha256] && { url: beforeUrls[sha256] }),
        }))}
        unitAnswer={
          rectification.unitAnswer && {
            ...rectification.unitAnswer,
            thumbnails: rectification.unitAnswer.photos.map((sha256) => ({
              sha256,
              ...(beforeUrls[sha256] && { url: beforeUrls[sha256] }),
            })),
          }
        }
        recheck={current}
        afterThumbnails={afterThumbnails}
        busyPhotos={attachPhotos.busy[rectificationId] ?? 0}
        problems={problems}
        onVerdict={(verdict: Verdict) => {
          setProblems(undefined);
          void save(updateVerdict(db, current.id, { verdict }, services.now()));
        }}
        onNote={(note) => void save(updateVerdict(db, current.id, { note }, services.now()))}
        onAddPhotos={addPhotos}
        onRemovePhoto={(sha256) => void save(detachRecheckPhoto(db, current.id, sha256, services.now()))}
        onViewBefore={(sha256) => setViewing({ side: 'before', sha256 })}
        onViewAfter={(sha256) => setViewing({ side: 'after', sha256 })}
        onSubmit={() => void submit()}
        onRevise={() =>
          void save(
            reviseRecheck(db, current.id, services.now()).then((revised) => {
              setProblems(undefined);
              setRecheckId(revised.id);
            }),
          )
        }
      />
      {viewedAfter && <PhotoViewer photo={viewedAfter} onClose={() => setViewing(undefined)} />}
      {viewedBefore && <BeforePhotoViewer photo={viewedBefore} onClose={() => setViewing(undefined)} />}
    </section>
  );
}
