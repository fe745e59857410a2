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
  const [urls, setUrls] = useState<Record<string, string>>({});
  useEffect(() => {
    const controller = new AbortController();
    const made: string[] = [];
    void Promise.all(
      (key ? key.split(',') : []).map(async (sha256) => {
        const blob = await api.photo(report.id, sha256, { signal: controller.signal }).catch(() => undefined);
        if (!blob || controller.signal.aborted) return;
        const url = URL.createObjectURL(blob);
        made.push(url);
        setUrls((current) => ({ ...current, [sha256]: url }));
      }),
    );
    return () => {
      controller.abort();
      made.forEach((url) => URL.revokeObjectURL(url));
    };
  }, [api, report.id, key]);
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
