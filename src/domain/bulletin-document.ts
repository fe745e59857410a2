/**
 * The round's bulletin (通报) as the office sends it, kept with the round on the server
 * (`PUT /api/rounds/{roundId}/bulletin`): the document number (文号) it types, the issuing
 * office and date, the paragraphs as edited (null while the office keeps the generated ones),
 * and how the attachment orders the districts (by ranking, or by the official order it sets).
 *
 * Shared by the office (before it saves) and the server (when it receives).
 */
import * as z from 'zod/mini';
import { dateSchema } from './wire';

/** The bulletin's editable sections, in document order. */
export const BULLETIN_SECTIONS = ['opening', 'overview', 'ranking', 'problems', 'requirements'] as const;
export type BulletinSectionKey = (typeof BULLETIN_SECTIONS)[number];

export const ATTACHMENT_ORDERS = ['ranking', 'districts'] as const;
export type AttachmentOrder = (typeof ATTACHMENT_ORDERS)[number];

/** Limits, also for the editor's counters. A district list bigger than any prefecture's. */
export const BULLETIN_LIMITS = {
  documentNumber: 60,
  issuer: 50,
  paragraph: 4000,
  paragraphsPerSection: 40,
  district: 50,
  districts: 500,
} as const;

export const DEFAULT_ISSUER = '市创文办';

const trimmed = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
const paragraphs = z
  .array(trimmed(1, BULLETIN_LIMITS.paragraph))
  .check(z.maxLength(BULLETIN_LIMITS.paragraphsPerSection));

export const bulletinTextSchema = z.object({
  opening: paragraphs,
  overview: paragraphs,
  ranking: paragraphs,
  problems: paragraphs,
  requirements: paragraphs,
});
/** Each section's paragraphs, as the office edited them. */
export type BulletinText = z.infer<typeof bulletinTextSchema>;

const districtOrderSchema = z.array(trimmed(1, BULLETIN_LIMITS.district)).check(
  z.maxLength(BULLETIN_LIMITS.districts),
  z.refine((names) => new Set(names).size === names.length, 'a district may be listed only once'),
);

export const bulletinDocumentSchema = z.object({
  /** 文号, e.g. `锦创文办〔2021〕12号`; empty when the office has none yet. */
  documentNumber: trimmed(0, BULLETIN_LIMITS.documentNumber),
  issuer: trimmed(1, BULLETIN_LIMITS.issuer),
  /** The bulletin's date; null: the day it is printed. */
  issuedOn: z.nullable(dateSchema),
  /** The paragraphs as edited; null: generated from the round's report whenever it is shown. */
  text: z.nullable(bulletinTextSchema),
  attachmentOrder: z.enum(ATTACHMENT_ORDERS),
  /** The official order of districts (区县顺序); districts it leaves out follow in Chinese collation. */
  districtOrder: districtOrderSchema,
});
export type BulletinDocument = z.infer<typeof bulletinDocumentSchema>;

/** `GET`/`PUT /api/rounds/{roundId}/bulletin`: the document and who last saved it (null: never saved). */
export interface BulletinDocumentView extends BulletinDocument {
  roundId: string;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** What a round's bulletin is before the office saves anything. */
export function defaultBulletinDocument(): BulletinDocument {
  return {
    documentNumber: '',
    issuer: DEFAULT_ISSUER,
    issuedOn: null,
    text: null,
    attachmentOrder: 'ranking',
    districtOrder: [],
  };
}

/**
 * Districts in the official order: those listed first, as listed, then the others in Chinese
 * collation (a district added after the office set the order still appears).
 */
export function inDistrictOrder<T>(rows: readonly T[], districtOf: (row: T) => string, order: readonly string[]): T[] {
  const position = new Map(order.map((district, index) => [district, index]));
  return [...rows].sort((a, b) => {
    const pa = position.get(districtOf(a)) ?? Number.MAX_SAFE_INTEGER;
    const pb = position.get(districtOf(b)) ?? Number.MAX_SAFE_INTEGER;
    return pa - pb || districtOf(a).localeCompare(districtOf(b), 'zh-CN');
  });
}
