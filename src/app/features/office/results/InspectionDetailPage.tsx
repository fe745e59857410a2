/**
 * One inspection as the office sees it: the site, inspector, times, position and score; the
 * score broken down by category; every answer with its grade, points, counted defects, note
 * and photos; and a gallery of all photos, each opening the full view with capture time, GPS
 * (map link) and hash.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { Link, useSearch } from 'wouter';
import { isDeduction } from '../../../../domain/grades';
import { mustRectify } from '../../../../domain/report';
import type { RubricFile } from '../../../../domain/rubric';
import type { InspectionDetail } from '../../../api/office-api';
import type { ReviewDecisionView } from '../../../../domain/review';
import { TrailPanel } from '../review/TrailPanel';
import { NumericHeads } from '../../../ui/NumericHeads';
import { useRound } from '../rounds/round-context';
import { OutsideRoundMark } from './OutsideRoundMark';
import { outsideRound } from './results-model';
import { amapLink, formatDateTime, formatScore } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { PhotoThumb, PhotoViewer, type PhotoEntry } from '../shared/photos';
import { useLoad } from '../shared/use-load';
import { categoryBreakdown, itemPoints } from './breakdown';
import { PresenceSection } from './PresenceSection';

export function InspectionDetailPage({ inspectionId }: { inspectionId: string }) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const search = useSearch();
  const revision = Number(new URLSearchParams(search).get('revision')) || undefined;
  const detail = useLoad(`inspection:${inspectionId}:${revision ?? ''}`, async (signal) => {
    const [inspection, trail] = await Promise.all([
      api.inspection(inspectionId, revision, signal),
      api.trail(inspectionId, signal),
    ]);
    const rubric = await api.rubric(inspection.rubricVersion);
    // The latest decision on the revision shown: its per-item comments go beside the items.
    const review = trail.reviews.filter((entry) => entry.revision === inspection.revision).at(-1);
    return { inspection, rubric, review };
  });
  const [showTrail, setShowTrail] = useState(new URLSearchParams(search).has('trail'));
  const { siteById } = useRound();

  if (!detail.data) {
    return (
      <div>
        <Link href="/results">{t('detail.back')}</Link>
        <LoadState error={detail.error} onRetry={detail.reload} />
      </div>
    );
  }
  const site = siteById.get(detail.data.inspection.siteId);
  const file = site ? detail.data.rubric.types[site.type] : findFile(detail.data.rubric.types, detail.data.inspection);
  return (
    <>
      <InspectionDetailView
        inspection={detail.data.inspection}
        file={file}
        siteName={site?.name}
        review={detail.data.review}
      />
      <section className="office-card no-print">
        <button type="button" className="button" aria-expanded={showTrail} onClick={() => setShowTrail(!showTrail)}>
          {t(showTrail ? 'trail.close' : 'trail.open')}
        </button>
        {showTrail && <TrailPanel inspectionId={inspectionId} />}
      </section>
    </>
  );
}

function findFile(types: Record<string, RubricFile>, inspection: InspectionDetail): RubricFile {
  const first = inspection.answers[0]?.itemId;
  return Object.values(types).find((file) => file.items.some((item) => item.id === first)) ?? Object.values(types)[0]!;
}

export function InspectionDetailView({
  inspection,
  file,
  siteName,
  review,
}: {
  inspection: InspectionDetail;
  file: RubricFile;
  siteName: string | undefined;
  /** The office's latest review decision on this revision, when it has one. */
  review?: ReviewDecisionView | undefined;
}) {
  const { t, i18n } = useTranslation('office');
  const { round, siteById, userName } = useRound();
  const [viewing, setViewing] = useState<number>();
  const english = i18n.language === 'en';
  const site = siteById.get(inspection.siteId);
  const answers = useMemo(() => new Map(inspection.answers.map((answer) => [answer.itemId, answer])), [inspection]);
  const categoryTitle = (code: string) =>
    (english ? file.categories[code]?.titleEn : file.categories[code]?.title) ?? code;
  const breakdown = useMemo(
    () => categoryBreakdown(file, inspection.answers, categoryTitle),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- categoryTitle only depends on file and the language
    [file, inspection, english],
  );
  const itemTitle = (itemId: string) => {
    const item = file.items.find((candidate) => candidate.id === itemId);
    return item ? (english ? item.titleEn : item.title) : itemId;
  };

  const photos = useMemo<PhotoEntry[]>(
    () =>
      file.items.flatMap((item) =>
        (answers.get(item.id)?.photos ?? []).map((sha256) => {
          const meta = inspection.photoMeta?.[sha256];
          const own = meta?.lat !== undefined && meta.lng !== undefined;
          const gps = own
            ? { lat: meta.lat!, lng: meta.lng!, accuracy: meta.accuracy }
            : (inspection.location ?? undefined);
          return {
            sha256,
            caption: `${item.id} ${english ? item.titleEn : item.title}`,
            capturedAt: meta?.capturedAt,
            gps: gps ? { lat: gps.lat, lng: gps.lng, accuracy: gps.accuracy } : undefined,
            gpsSource: own ? ('photo' as const) : ('inspection' as const),
          };
        }),
      ),
    [file, answers, inspection, english],
  );
  const itemReview = new Map(review?.itemComments.map((entry) => [entry.itemId, entry.comment]));
  const photoIndex = (sha256: string) => photos.findIndex((photo) => photo.sha256 === sha256);
  const explanation = t('results.outsideRound', { from: round.startsOn, to: round.endsOn });
  const photosOutside = photos.filter((photo) => outsideRound(photo.capturedAt, round));
  const submittedOutside = outsideRound(inspection.submittedAt, round);

  return (
    <article className="inspection-detail" data-testid="inspection-detail">
      <Link href="/results" className="no-print">
        {t('detail.back')}
      </Link>
      <h2>{siteName ?? inspection.siteId}</h2>
      {(submittedOutside || photosOutside.length > 0) && (
        <p className="notice" role="note" data-testid="outside-round-notice">
          <OutsideRoundMark explanation={explanation} />{' '}
          {submittedOutside && t('detail.outsideRoundSubmitted', { from: round.startsOn, to: round.endsOn })}
          {photosOutside.length > 0 &&
            t('detail.outsideRoundPhotos', { count: photosOutside.length, from: round.startsOn, to: round.endsOn })}
        </p>
      )}
      <dl className="facts">
        <dt>{t('detail.site')}</dt>
        <dd>
          <code>{inspection.siteId}</code>
          {site && ` · ${site.district} · ${t(`siteType.${site.type}`)}`}
        </dd>
        <dt>{t('detail.score')}</dt>
        <dd>
          <strong className="big-score" data-testid="detail-score">
            {formatScore(inspection.score)}
          </strong>{' '}
          {inspection.fullMarks ? (
            <span className="badge badge--ok">{t('results.full')}</span>
          ) : mustRectify(round, inspection.score) ? (
            <span className="badge badge--bad">{t('results.mustRectify')}</span>
          ) : null}
        </dd>
        <dt>{t('detail.inspector')}</dt>
        <dd>{userName(inspection.inspectorId)}</dd>
        <dt>{t('detail.started')}</dt>
        <dd>{formatDateTime(inspection.startedAt)}</dd>
        <dt>{t('detail.submitted')}</dt>
        <dd>
          {formatDateTime(inspection.submittedAt)}
          {submittedOutside && <OutsideRoundMark explanation={explanation} />}
        </dd>
        <dt>{t('detail.received')}</dt>
        <dd>{formatDateTime(inspection.receivedAt)}</dd>
        <dt>{t('detail.revision')}</dt>
        <dd>{inspection.revision}</dd>
        {review && (
          <>
            <dt>{t('detail.review')}</dt>
            <dd data-testid="detail-review">
              {t(review.comment ? 'review.latestWithComment' : 'review.latest', {
                decision: t(`review.states.${review.decision}`),
                name: review.reviewerName,
                time: formatDateTime(review.reviewedAt),
                comment: review.comment ?? '',
              })}
            </dd>
          </>
        )}
        <dt>{t('detail.location')}</dt>
        <dd>
          {inspection.location ? (
            <>
              {inspection.location.lat.toFixed(6)}, {inspection.location.lng.toFixed(6)}
              {inspection.location.accuracy !== undefined && ` (±${Math.round(inspection.location.accuracy)} m)`}{' '}
              <a
                href={amapLink(inspection.location.lat, inspection.location.lng, siteName ?? inspection.siteId)}
                target="_blank"
                rel="noreferrer noopener"
              >
                {t('photo.map')}
              </a>
            </>
          ) : (
            t('photo.notRecorded')
          )}
        </dd>
      </dl>

      <PresenceSection flags={inspection.flags} timeOnSiteS={inspection.timeOnSiteS} />

      <h3>{t('detail.breakdown')}</h3>
      <table className="data-table" data-testid="breakdown">
        <thead>
          <tr>
            <th scope="col">{t('detail.category')}</th>
            <NumericHeads labels={[t('detail.items'), t('detail.available'), t('detail.earned'), t('detail.lost')]} />
          </tr>
        </thead>
        <tbody>
          {breakdown.map((row) => (
            <tr key={row.category} className={row.lost > 0 ? 'is-deducted' : undefined}>
              <th scope="row">{row.title}</th>
              <td className="num">{row.items}</td>
              <td className="num">{row.available}</td>
              <td className="num">{row.earned}</td>
              <td className="num">{row.lost > 0 ? `−${row.lost}` : 0}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t('detail.gallery', { count: photos.length })}</h3>
      {photos.length === 0 ? (
        <p className="muted">{t('detail.noPhotos')}</p>
      ) : (
        <ul className="gallery" data-testid="gallery">
          {photos.map((photo, index) => (
            <li key={`${photo.sha256}-${index}`}>
              <PhotoThumb
                sha256={photo.sha256}
                thumbnail={inspection.thumbnails?.[photo.sha256]}
                alt={photo.caption}
                onOpen={() => setViewing(index)}
              />
              <span className="gallery__caption">{photo.caption}</span>
            </li>
          ))}
        </ul>
      )}

      <h3>{t('detail.answers')}</h3>
      <table className="data-table answers-table" data-testid="answers">
        <thead>
          <tr>
            <th scope="col">{t('detail.item')}</th>
            <th scope="col" className="num">
              {t('detail.points')}
            </th>
            <th scope="col">{t('detail.grade')}</th>
            <th scope="col" className="num">
              {t('detail.itemScore')}
            </th>
            <th scope="col">{t('detail.note')}</th>
            <th scope="col">{t('detail.photos')}</th>
          </tr>
        </thead>
        {[...new Set(file.items.map((item) => item.category))].map((category) => (
          <tbody key={category}>
            <tr className="answers-table__category">
              <th scope="rowgroup" colSpan={6}>
                {categoryTitle(category)}
              </th>
            </tr>
            {file.items
              .filter((item) => item.category === category)
              .map((item) => {
                const answer = answers.get(item.id);
                const points = itemPoints(item, answer?.grade);
                return (
                  <tr key={item.id} className={answer && isDeduction(answer.grade) ? 'is-deducted' : undefined}>
                    <th scope="row">
                      <span className="item-id">{item.id}</span> {itemTitle(item.id)}
                    </th>
                    <td className="num">{item.points}</td>
                    <td className="answers-table__grade">
                      <span className={`grade grade--${answer?.grade === 'C#' ? 'Cs' : (answer?.grade ?? 'none')}`}>
                        {answer?.grade === 'NA' ? t('detail.na') : (answer?.grade ?? '—')}
                      </span>
                      {answer?.defects !== undefined && (
                        <span className="muted"> {t('detail.defects', { count: answer.defects })}</span>
                      )}
                    </td>
                    <td className="num">{points === null ? '—' : points}</td>
                    <td>
                      {answer?.note}
                      {itemReview.has(item.id) && (
                        <p className="review-comment" data-testid="item-review-comment">
                          {t('detail.reviewComment', { comment: itemReview.get(item.id) })}
                        </p>
                      )}
                    </td>
                    <td>
                      <span className="thumb-row">
                        {(answer?.photos ?? []).map((sha256) => (
                          <PhotoThumb
                            key={sha256}
                            size="small"
                            sha256={sha256}
                            thumbnail={inspection.thumbnails?.[sha256]}
                            alt={`${item.id} ${itemTitle(item.id)}`}
                            onOpen={() => setViewing(photoIndex(sha256))}
                          />
                        ))}
                      </span>
                    </td>
                  </tr>
                );
              })}
          </tbody>
        ))}
      </table>
      {viewing !== undefined && (
        <PhotoViewer photos={photos} index={viewing} onIndex={setViewing} onClose={() => setViewing(undefined)} />
      )}
    </article>
  );
}
