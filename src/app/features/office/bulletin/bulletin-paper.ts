/**
 * The bulletin as it goes out on paper and in Word: the generated bulletin (`buildBulletin`)
 * with what the office keeps with the round (`BulletinDocument`): its 文号, the paragraphs as
 * edited (or the generated ones while it has not edited them), and the districts of the ranking
 * table and the attachment in ranking order or in the official order it set. The print view and
 * the .docx export both draw this one object, so they cannot say different things.
 */
import {
  inDistrictOrder,
  type BulletinDocument,
  type BulletinSectionKey,
  type BulletinText,
} from '../../../../domain/bulletin-document';
import type { Bulletin, BulletinRankingRow, BulletinRectifySite } from './bulletin';

export interface BulletinPaper {
  documentNumber: string;
  title: string;
  salutation: string;
  /** Each section's paragraphs, as printed. */
  text: BulletinText;
  /** Headings of the numbered sections (the opening has none). */
  headings: Record<Exclude<BulletinSectionKey, 'opening'>, string>;
  rankingRows: BulletinRankingRow[];
  issuer: string;
  issuedOn: string;
  attachment: { heading: string; rows: BulletinRectifySite[] };
}

/** The paragraphs the generator wrote, in the sections the office edits. */
export function generatedText(bulletin: Bulletin): BulletinText {
  return {
    opening: [bulletin.opening],
    overview: [...bulletin.overview.paragraphs],
    ranking: [...bulletin.ranking.paragraphs],
    problems: [...bulletin.problems.paragraphs, ...bulletin.problems.items],
    requirements: [...bulletin.requirements.paragraphs],
  };
}

export function composePaper(
  bulletin: Bulletin,
  document: Pick<BulletinDocument, 'documentNumber' | 'text' | 'attachmentOrder' | 'districtOrder'>,
): BulletinPaper {
  const rankingRows =
    document.attachmentOrder === 'districts'
      ? inDistrictOrder(bulletin.ranking.rows, (row) => row.district, document.districtOrder)
      : bulletin.ranking.rows;
  return {
    documentNumber: document.documentNumber,
    title: bulletin.title,
    salutation: bulletin.salutation,
    text: document.text ?? generatedText(bulletin),
    headings: {
      overview: bulletin.overview.heading,
      ranking: bulletin.ranking.heading,
      problems: bulletin.problems.heading,
      requirements: bulletin.requirements.heading,
    },
    rankingRows,
    issuer: bulletin.issuer,
    issuedOn: bulletin.issuedOn,
    attachment: {
      heading: bulletin.attachment.heading,
      rows: sitesByDistrictOrder(
        bulletin.attachment.rows,
        rankingRows.map((row) => row.district),
      ),
    },
  };
}

/**
 * The attachment's sites grouped by district in the ranking table's order (a stable sort: within
 * a district they keep the generator's type-then-id order), numbered again from 1.
 */
function sitesByDistrictOrder(
  rows: readonly BulletinRectifySite[],
  districts: readonly string[],
): BulletinRectifySite[] {
  return inDistrictOrder(rows, (row) => row.district, districts).map((row, index) => ({ ...row, index: index + 1 }));
}

/** A section's textarea: one paragraph a line. */
export function paragraphsToLines(paragraphs: readonly string[]): string {
  return paragraphs.join('\n');
}

/** Back from the textarea: each non-blank line a paragraph, trimmed. */
export function linesToParagraphs(lines: string): string[] {
  return lines
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}
