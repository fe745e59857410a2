/**
 * 整改通知书: one A4 notice per site under rectification — the site, each open item with the
 * inspector's note and one before-photo, the due date, and the responsible unit's link (a QR
 * code) when the site has one. Pure: built from the round's rectifications as
 * `GET /api/rectifications` lists them and the links of `GET /api/rounds/{id}/unit-links`; the
 * wording is the document's, so always Chinese.
 */
import { inDistrictOrder } from '../../../../domain/bulletin-document';
import { SITE_TYPE_ORDER } from '../../../../domain/item-sheet';
import type { Round, Site } from '../../../../domain/wire';
import type { RectificationView } from '../../../api/office-api';
import { chineseDate } from '../bulletin/bulletin';

export interface NoticeItem {
  index: number;
  itemId: string;
  title: string;
  /** The inspector's note on the item; '' when none. */
  note: string;
  /** The first before-photo (sha256), when the inspection had one. */
  photo: string | undefined;
  dueOn: string;
}

export interface Notice {
  siteId: string;
  siteName: string;
  district: string;
  address: string;
  /** The earliest due date of its open items, written in Chinese. */
  dueOn: string;
  items: NoticeItem[];
  opening: string;
  /** The unit's link for the QR code; undefined until the server gives one. */
  unitLink: string | undefined;
}

export interface NoticeInput {
  round: Pick<Round, 'name'>;
  rectifications: readonly RectificationView[];
  sites: ReadonlyMap<string, Pick<Site, 'name' | 'type' | 'district' | 'address'>>;
  itemTitle: (itemId: string) => string;
  /** Only this district's sites; all when undefined. */
  district?: string | undefined;
  /** The official district order (the bulletin's), then Chinese collation. */
  districtOrder?: readonly string[];
  /** Each site's active unit link (`url`), by site id; a site without one gets an empty QR slot. */
  unitLinks?: ReadonlyMap<string, string>;
}

/** The notices of sites with open items, by district (official order), type, then site id. */
export function buildNotices(input: NoticeInput): Notice[] {
  const open = new Map<string, RectificationView[]>();
  for (const rectification of input.rectifications) {
    if (rectification.status !== 'open') continue;
    const site = input.sites.get(rectification.siteId);
    if (input.district !== undefined && site?.district !== input.district) continue;
    open.set(rectification.siteId, [...(open.get(rectification.siteId) ?? []), rectification]);
  }
  const notices = [...open].map(([siteId, items]) => notice(input, siteId, items));
  const byTypeThenId = notices.sort(
    (a, b) => typeRank(input, a.siteId) - typeRank(input, b.siteId) || a.siteId.localeCompare(b.siteId),
  );
  return inDistrictOrder(byTypeThenId, (entry) => entry.district, input.districtOrder ?? []);
}

function typeRank(input: NoticeInput, siteId: string): number {
  const site = input.sites.get(siteId);
  return site ? SITE_TYPE_ORDER[site.type] : 9;
}

function notice(input: NoticeInput, siteId: string, rectifications: RectificationView[]): Notice {
  const site = input.sites.get(siteId);
  const sorted = [...rectifications].sort((a, b) => a.itemId.localeCompare(b.itemId, 'en', { numeric: true }));
  const dueOn = sorted.reduce((earliest, entry) => (entry.dueOn < earliest ? entry.dueOn : earliest), sorted[0]!.dueOn);
  const siteName = site?.name ?? siteId;
  return {
    siteId,
    siteName,
    district: site?.district ?? '',
    address: site?.address ?? '',
    dueOn: chineseDate(dueOn),
    items: sorted.map((entry, index) => ({
      index: index + 1,
      itemId: entry.itemId,
      title: input.itemTitle(entry.itemId),
      note: entry.note?.trim() ?? '',
      photo: entry.beforePhotos[0],
      dueOn: chineseDate(entry.dueOn),
    })),
    opening:
      `在${input.round.name}中，${siteName}有${sorted.length}项未达到测评标准（见下表）。` +
      `请对照问题逐项整改，于${chineseDate(dueOn)}前整改到位，并扫描下方二维码反馈整改情况（整改后照片）。` +
      '逾期未整改或整改不到位的，将在通报中予以批评。',
    unitLink: input.unitLinks?.get(siteId),
  };
}
