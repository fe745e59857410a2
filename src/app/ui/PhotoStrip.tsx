/** The words of a photo strip: the checklist and the recheck screen each have their own. */
export interface PhotoStripLabels {
  /** Accessible name of a thumbnail (a button that opens the full photo). */
  view: string;
  /** Accessible name of a thumbnail's × button. */
  remove: string;
  /** Shown while photos are in the worker. */
  processing: string;
  /** The camera button. */
  take: string;
  /** The gallery button. */
  choose: string;
}

export interface PhotoStripProps {
  /** The photos' hashes, in the order taken. */
  photos: readonly string[];
  /** Thumbnail URL by hash; a photo without one (not read yet) shows "…". */
  thumbnails: Record<string, string>;
  /** How many picked photos are still being processed. */
  busy: number;
  /** Submitted: photos can be viewed, not added or deleted. */
  readOnly: boolean;
  labels: PhotoStripLabels;
  /** `data-testid` of the list. */
  testId?: string | undefined;
  /** `picker`: which button the files came from (proof of presence: camera or gallery). */
  onAdd: (files: FileList, picker: 'camera' | 'gallery') => void;
  onRemove: (sha256: string) => void;
  onView: (sha256: string) => void;
}

/**
 * Photos being taken for one record: thumbnails (tap to view, × to delete before submitting),
 * a "processing" entry while the worker is busy, and the camera and gallery buttons. The list
 * and the buttons only: each screen puts its own heading above them.
 */
export function PhotoStrip(props: PhotoStripProps) {
  const { photos, thumbnails, readOnly, labels } = props;
  return (
    <>
      <ul className="photo-strip__list" data-testid={props.testId}>
        {photos.map((sha256) => (
          <li key={sha256} className="photo-strip__item">
            <button
              type="button"
              className="photo-strip__thumb"
              aria-label={labels.view}
              onClick={() => props.onView(sha256)}
            >
              {thumbnails[sha256] ? <img src={thumbnails[sha256]} alt="" /> : <span aria-hidden="true">…</span>}
            </button>
            {!readOnly && (
              <button
                type="button"
                className="photo-strip__delete"
                aria-label={labels.remove}
                onClick={() => props.onRemove(sha256)}
              >
                <span className="photo-strip__delete-mark" aria-hidden="true">
                  ×
                </span>
              </button>
            )}
          </li>
        ))}
        {props.busy > 0 && (
          <li className="photo-strip__item photo-strip__item--busy" role="status">
            {labels.processing}
          </li>
        )}
      </ul>
      {!readOnly && <PhotoPickers labels={labels} onAdd={props.onAdd} />}
    </>
  );
}

/** The camera (one photo, the back camera on a phone) and the gallery (several at once). */
function PhotoPickers({ labels, onAdd }: Pick<PhotoStripProps, 'labels' | 'onAdd'>) {
  return (
    <div className="photo-strip__actions">
      <label className="button button--primary">
        {labels.take}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          className="visually-hidden"
          data-picker="camera"
          onChange={(event) => pickFiles(event.currentTarget, (files) => onAdd(files, 'camera'))}
        />
      </label>
      <label className="button">
        {labels.choose}
        <input
          type="file"
          accept="image/*"
          multiple
          className="visually-hidden"
          data-picker="gallery"
          onChange={(event) => pickFiles(event.currentTarget, (files) => onAdd(files, 'gallery'))}
        />
      </label>
    </div>
  );
}

function pickFiles(input: HTMLInputElement, onFiles: (files: FileList) => void) {
  if (input.files && input.files.length > 0) onFiles(input.files);
  input.value = ''; // the same photo can be chosen again after deleting it
}
