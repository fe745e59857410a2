/**
 * The bulletin as a Word document (.docx) for sign-off, built with the `docx` package from the
 * same `BulletinPaper` the print view draws. Laid out the way official documents are (GB/T
 * 9704, loosely): A4, 文号 centred above the title, title in 22 pt, body in 16 pt 仿宋 with a
 * two-character indent, page numbers `— 1 —` centred in the footer, the attachment on a page
 * of its own.
 *
 * Loaded only when the office asks for the file (a dynamic import in BulletinPage): the
 * package is large and no other screen needs it.
 */
import {
  AlignmentType,
  Document,
  Footer,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import { ATTACHMENT_HEADER, RANKING_HEADER } from './bulletin';
import type { BulletinPaper } from './bulletin-paper';

const BODY_FONT = { eastAsia: '仿宋', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const TITLE_FONT = { eastAsia: '方正小标宋简体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
/** Sizes in half-points: 三号 16 pt, 二号 22 pt, tables 五号 10.5 pt. */
const BODY_SIZE = 32;
const TITLE_SIZE = 44;
const TABLE_SIZE = 21;
/** A4 in twentieths of a point, with the official margins (37 mm top, 35 mm bottom, 28/26 mm sides). */
const A4 = { width: 11906, height: 16838 };
const MARGIN = { top: 2098, bottom: 1984, left: 1587, right: 1474 };

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export function bulletinDocument(paper: BulletinPaper): Document {
  const body: (Paragraph | Table)[] = [];
  if (paper.documentNumber) {
    body.push(line(paper.documentNumber, { alignment: AlignmentType.CENTER, after: 240 }));
  }
  body.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 480 },
      children: [new TextRun({ text: paper.title, font: TITLE_FONT, size: TITLE_SIZE })],
    }),
    line(paper.salutation),
    ...paper.text.opening.map(indented),
    heading(paper.headings.overview),
    ...paper.text.overview.map(indented),
    heading(paper.headings.ranking),
    ...paper.text.ranking.map(indented),
    table(
      RANKING_HEADER,
      paper.rankingRows.map((row) => [
        row.rank,
        row.district,
        String(row.sites),
        String(row.inspected),
        String(row.fullMarks),
        String(row.toRectify),
        row.averageScore,
      ]),
    ),
    heading(paper.headings.problems),
    ...paper.text.problems.map(indented),
    heading(paper.headings.requirements),
    ...paper.text.requirements.map(indented),
    line(paper.issuer, { alignment: AlignmentType.RIGHT, before: 720 }),
    line(paper.issuedOn, { alignment: AlignmentType.RIGHT }),
  );
  if (paper.attachment.rows.length > 0) {
    body.push(
      new Paragraph({ pageBreakBefore: true, children: [run(paper.attachment.heading, { bold: true })] }),
      table(
        ATTACHMENT_HEADER,
        paper.attachment.rows.map((row) => [
          String(row.index),
          row.district,
          row.name,
          row.type,
          row.score,
          row.problems,
          row.dueOn,
        ]),
      ),
    );
  }
  return new Document({
    creator: paper.issuer,
    title: paper.title,
    sections: [
      {
        properties: { page: { size: A4, margin: MARGIN } },
        footers: { default: pageNumberFooter() },
        children: body,
      },
    ],
  });
}

/** The .docx file's bytes. */
export function bulletinDocx(paper: BulletinPaper): Promise<Blob> {
  return Packer.toBlob(bulletinDocument(paper));
}

function run(text: string, options: { bold?: boolean; size?: number } = {}): TextRun {
  return new TextRun({ text, font: BODY_FONT, size: options.size ?? BODY_SIZE, bold: options.bold ?? false });
}

function line(
  text: string,
  options: { alignment?: (typeof AlignmentType)[keyof typeof AlignmentType]; before?: number; after?: number } = {},
): Paragraph {
  return new Paragraph({
    ...(options.alignment && { alignment: options.alignment }),
    spacing: { before: options.before ?? 0, after: options.after ?? 0, line: 560, lineRule: 'exact' },
    children: [run(text)],
  });
}

/** Body text: first line indented by two characters (2 × 16 pt = 640 twips). */
function indented(text: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: 640 },
    spacing: { line: 560, lineRule: 'exact' },
    children: [run(text)],
  });
}

/** 一、总体情况: 黑体 by custom, in the body's size. */
function heading(text: string): Paragraph {
  return new Paragraph({
    indent: { firstLine: 640 },
    spacing: { line: 560, lineRule: 'exact' },
    children: [new TextRun({ text, font: { eastAsia: '黑体' }, size: BODY_SIZE })],
  });
}

function table(header: readonly string[], rows: readonly string[][]): Table {
  const cell = (text: string, bold = false) =>
    new TableCell({
      children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(text, { bold, size: TABLE_SIZE })] })],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((head) => cell(head, true)) }),
      ...rows.map((cells) => new TableRow({ cantSplit: true, children: cells.map((text) => cell(text)) })),
    ],
  });
}

/** `— 1 —` centred at the foot of every page, as printed. */
function pageNumberFooter(): Footer {
  const children: ParagraphChild[] = [
    new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: { eastAsia: '宋体' }, size: 28 }),
  ];
  return new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children })] });
}
