/**
 * Proof-of-presence flags worded for the office (codes and data come from the server,
 * `domain/presence.ts`; the words are the office catalogue's `presence.*`).
 */
import type { TFunction } from '../../../i18n';
import type { PresenceFlag } from '../../../../domain/presence';
import { formatDateTime } from '../shared/format';

/** The flag's short name, for the results column and filters. */
export function flagName(t: TFunction<'office'>, flag: PresenceFlag): string {
  return t(`presence.short.${flag.code}`);
}

/** The flag with what was found, for the inspection's detail. */
export function flagDetail(t: TFunction<'office'>, flag: PresenceFlag): string {
  switch (flag.code) {
    case 'far_from_site':
      return t('presence.long.far_from_site', {
        distance: flag.distanceM,
        radius: flag.radiusM,
        accuracy: flag.accuracyM,
        stage: t(`presence.stage.${flag.stage ?? 'unknown'}`),
        at: flag.at ? formatDateTime(flag.at) : '—',
        beyond: flag.beyond,
        fixes: flag.fixes,
      });
    case 'gallery_photo':
      return t('presence.long.gallery_photo', { count: flag.photos.length });
    case 'reused_photo': {
      const uses = flag.photos.flatMap((photo) => photo.uses);
      return t('presence.long.reused_photo', {
        count: flag.photos.length,
        uses: [...new Set(uses.map((use) => t('presence.use', { site: use.siteId, round: use.roundId })))].join('、'),
      });
    }
    case 'capture_time_mismatch':
      return t('presence.long.capture_time_mismatch', {
        count: flag.photos.length,
        minutes: Math.max(...flag.photos.map((photo) => photo.minutes)),
      });
    case 'capture_outside_round':
      return t('presence.long.capture_outside_round', {
        count: flag.photos.length,
        from: flag.startsOn,
        to: flag.endsOn,
      });
    default:
      return t(`presence.long.${flag.code}`);
  }
}

/** The photos a flag names (gallery, reused, capture times), to mark them in the gallery. */
export function flaggedPhotos(flags: readonly PresenceFlag[]): Set<string> {
  const hashes = new Set<string>();
  for (const flag of flags) {
    if (flag.code === 'gallery_photo') flag.photos.forEach((sha256) => hashes.add(sha256));
    else if ('photos' in flag) flag.photos.forEach((photo) => hashes.add(photo.sha256));
  }
  return hashes;
}
