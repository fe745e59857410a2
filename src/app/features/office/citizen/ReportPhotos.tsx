/** A report's received photos as thumbnails (their own uploaded thumbnail when there is one). */
import { useEffect, useMemo, useState } from 'react';
import type { CitizenReportView } from '../../../../domain/citizen-reports';
import { createCitizenApi } from '../../../api/citizen-api';
import { useServices } from '../../../services';

export function ReportPhotos({ report }: { report: CitizenReportView }) {
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const shown = report.photos
    .map((photo) => ({ full: photo.sha256, small: photo.thumbnail ?? photo.sha256 }))
    .filter((photo) => report.receivedPhotos.includes(photo.small));
  const key = shown.map((photo) => photo.small).join(',');
  // The URLs belong to one report and photo list: the effect revokes them when either changes,
  // so URLs made for another (revoked by then) are never drawn.
  const owner = `${report.id}|${key}`;
  const [loaded, setLoaded] = useState<{ owner: string; urls: Record<string, string> }>({ owner: '', urls: {} });
  useEffect(() => {
    const controller = new AbortController();
    const made: string[] = [];
    void Promise.all(
      (key ? key.split(',') : []).map(async (sha256) => {
        const blob = await api.photo(report.id, sha256, { signal: controller.signal }).catch(() => undefined);
        if (!blob || controller.signal.aborted) return;
        const url = URL.createObjectURL(blob);
        made.push(url);
        setLoaded((current) => ({
          owner,
          urls: { ...(current.owner === owner ? current.urls : {}), [sha256]: url },
        }));
      }),
    );
    return () => {
      controller.abort();
      made.forEach((url) => URL.revokeObjectURL(url));
    };
  }, [api, report.id, key, owner]);
  const urls = loaded.owner === owner ? loaded.urls : {};
  if (shown.length === 0) return null;
  return (
    <div className="thumb-row">
      {shown.map((photo) =>
        urls[photo.small] ? (
          <img key={photo.small} className="photo-thumb" src={urls[photo.small]} alt="" data-testid="citizen-photo" />
        ) : null,
      )}
    </div>
  );
}
