/**
 * The bulletin (通报) as offices send it: a printable A4 document with the 文号 the office types,
 * page numbers in print (`— 1 —`, styles.css `@page bulletin`), the paragraphs generated from the
 * round report and editable before printing, the ranking table and the attachment in ranking
 * order or the official district order, and a Word export for sign-off. What the office types is
 * kept with the round on the server (`PUT /api/rounds/{id}/bulletin`), the paragraphs as shown
 * at the save: from then on they change only when the office edits them or asks (and confirms)
 * to regenerate them from the current results.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation, type TFunction } from '../../../i18n';
import {
  BULLETIN_LIMITS,
  BULLETIN_SECTIONS,
  type AttachmentOrder,
  type BulletinDocument,
  type BulletinDocumentView,
  type BulletinSectionKey,
  type BulletinText,
} from '../../../../domain/bulletin-document';
import { latestResults } from '../../../../domain/report';
import { Field } from '../../../ui/Field';
import { useRound } from '../rounds/round-context';
import { saveBlob, safeFileName } from '../shared/download';
import { errorMessage } from '../shared/errors';
import { cityToday, formatDateTime } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';
import { useRoundReport, type ReportData } from '../report/use-round-report';
import { ATTACHMENT_HEADER, buildBulletin, RANKING_HEADER } from './bulletin';
import {
  composePaper,
  generatedText,
  linesToParagraphs,
  paragraphsToLines,
  type BulletinPaper,
} from './bulletin-paper';

export function BulletinPage() {
  const { api } = useOffice();
  const { round } = useRound();
  const loaded = useRoundReport();
  const stored = useLoad(`bulletin:${round.id}`, (signal) => api.bulletin(round.id, signal));
  if (!loaded.data || !stored.data) {
    return (
      <LoadState
        error={loaded.error ?? stored.error}
        onRetry={() => {
          loaded.reload();
          stored.reload();
        }}
      />
    );
  }
  return <BulletinEditor key={round.id} stored={stored.data} reportData={loaded.data} />;
}

type Status = { kind: 'idle' | 'saving' | 'exporting' } | { kind: 'failed'; message: string };

function documentOf(view: BulletinDocumentView): BulletinDocument {
  const { documentNumber, issuer, issuedOn, text, attachmentOrder, districtOrder } = view;
  return { documentNumber, issuer, issuedOn, text, attachmentOrder, districtOrder };
}

function BulletinEditor({ stored, reportData }: { stored: BulletinDocumentView; reportData: ReportData }) {
  const { t } = useTranslation('office');
  const { api, now } = useOffice();
  const { round, siteById, feed } = useRound();
  const [saved, setSaved] = useState(stored);
  const [draft, setDraft] = useState<BulletinDocument>(() => documentOf(stored));
  /** The textareas' raw lines while the office edits the text (blank lines kept as typed). */
  const [lines, setLines] = useState<Record<BulletinSectionKey, string> | null>(null);
  const [orderLines, setOrderLines] = useState(() => draft.districtOrder.join('\n'));
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const scores = useMemo(() => {
    const latest = latestResults(
      feed.inspections
        .filter((row) => siteById.has(row.siteId))
        .map((row) => ({ ...row, inspectionId: row.id, deductions: [] })),
    );
    return new Map([...latest].map(([siteId, result]) => [siteId, result.score]));
  }, [feed.inspections, siteById]);
  const issuedOn = draft.issuedOn ?? cityToday(now());
  const { bulletin, paper } = useMemo(() => {
    const bulletin = buildBulletin({
      round,
      report: reportData.report,
      sites: siteById,
      scores,
      itemTitle: reportData.itemTitle,
      issuedOn,
      issuer: draft.issuer.trim() || saved.issuer,
    });
    return { bulletin, paper: composePaper(bulletin, draft) };
  }, [reportData, round, siteById, scores, issuedOn, draft, saved.issuer]);

  const dirty = JSON.stringify(draft) !== JSON.stringify(documentOf(saved));
  const change = (patch: Partial<BulletinDocument>) => setDraft((current) => ({ ...current, ...patch }));
  // Saving keeps the text shown with the round: from then on it changes only when the office
  // edits it or asks to regenerate it, whatever later inspections do to the figures.
  const save = async (document: BulletinDocument) => {
    setStatus({ kind: 'saving' });
    try {
      const view = await api.saveBulletin(round.id, { ...document, text: document.text ?? generatedText(bulletin) });
      setSaved(view);
      setDraft(documentOf(view));
      setStatus({ kind: 'idle' });
    } catch (error) {
      setStatus({ kind: 'failed', message: t('bulletin.saveFailed', { reason: errorMessage(error) }) });
    }
  };
  const editSection = (section: BulletinSectionKey, value: string) => {
    const next = { ...(lines ?? linesOf(paper.text)), [section]: value };
    setLines(next);
    const text = Object.fromEntries(
      BULLETIN_SECTIONS.map((key) => [key, linesToParagraphs(next[key])]),
    ) as BulletinText;
    change({ text });
  };
  const regenerate = () => {
    if (!window.confirm(t('bulletin.regenerateConfirm'))) return;
    setLines(null);
    void save({ ...draft, text: generatedText(bulletin) });
  };
  const exportDocx = async () => {
    setStatus({ kind: 'exporting' });
    try {
      // Loaded on demand: the Word writer is large and only this button needs it.
      const { bulletinDocx } = await import('./bulletin-docx');
      saveBlob(await bulletinDocx(paper), `${safeFileName(paper.title)}.docx`);
      setStatus({ kind: 'idle' });
    } catch (error) {
      setStatus({ kind: 'failed', message: t('bulletin.exportFailed', { reason: errorMessage(error) }) });
    }
  };
  const busy = status.kind === 'saving' || status.kind === 'exporting';
  const stale = !dirty && saved.text !== null && JSON.stringify(saved.text) !== JSON.stringify(generatedText(bulletin));

  return (
    <div className="bulletin-page">
      <div className="toolbar toolbar--wrap no-print">
        <Field label={t('bulletin.documentNumber')}>
          <input
            className="field__input"
            value={draft.documentNumber}
            maxLength={BULLETIN_LIMITS.documentNumber}
            placeholder={t('bulletin.documentNumberHint')}
            onChange={(event) => change({ documentNumber: event.target.value })}
          />
        </Field>
        <Field label={t('bulletin.issuer')}>
          <input
            className="field__input"
            value={draft.issuer}
            maxLength={BULLETIN_LIMITS.issuer}
            onChange={(event) => change({ issuer: event.target.value })}
          />
        </Field>
        <Field label={t('bulletin.date')}>
          <input
            className="field__input"
            type="date"
            value={issuedOn}
            onChange={(event) => change({ issuedOn: event.target.value || null })}
          />
        </Field>
        <Field label={t('bulletin.order')}>
          <select
            className="field__input"
            value={draft.attachmentOrder}
            onChange={(event) => change({ attachmentOrder: event.target.value as AttachmentOrder })}
          >
            <option value="ranking">{t('bulletin.orderRanking')}</option>
            <option value="districts">{t('bulletin.orderDistricts')}</option>
          </select>
        </Field>
      </div>
      {draft.attachmentOrder === 'districts' && (
        <div className="toolbar toolbar--wrap no-print">
          <Field label={t('bulletin.districtOrder')} grow>
            <textarea
              className="field__input bulletin__order"
              rows={4}
              value={orderLines}
              placeholder={paper.rankingRows.map((row) => row.district).join('\n')}
              onChange={(event) => {
                setOrderLines(event.target.value);
                change({ districtOrder: [...new Set(linesToParagraphs(event.target.value))] });
              }}
            />
          </Field>
          <span className="muted">{t('bulletin.districtOrderHint')}</span>
        </div>
      )}
      <div className="toolbar toolbar--wrap no-print">
        <button
          type="button"
          className="button"
          aria-pressed={lines !== null}
          onClick={() => setLines(lines === null ? linesOf(paper.text) : null)}
        >
          {lines === null ? t('bulletin.edit') : t('bulletin.doneEditing')}
        </button>
        {saved.text !== null && (
          <button type="button" className="button" disabled={busy} onClick={regenerate}>
            {t('bulletin.regenerate')}
          </button>
        )}
        <button
          type="button"
          className="button button--primary"
          disabled={!dirty || busy}
          onClick={() => void save(draft)}
        >
          {t('bulletin.save')}
        </button>
        <span className="toolbar__grow muted" role="status" data-testid="bulletin-status">
          {statusText(t, status, dirty, saved)}
        </span>
        <button type="button" className="button" disabled={busy} onClick={() => void exportDocx()}>
          {t('bulletin.exportDocx')}
        </button>
        <button type="button" className="button button--primary" onClick={() => window.print()}>
          {t('bulletin.print')}
        </button>
      </div>
      <p className="muted no-print">{t('bulletin.hint')}</p>
      {stale && (
        <p className="notice no-print" data-testid="bulletin-stale">
          {t('bulletin.stale')}
        </p>
      )}
      <BulletinText
        paper={paper}
        editor={
          lines &&
          ((section) => (
            <textarea
              className="bulletin__editor no-print"
              aria-label={t('bulletin.sectionLabel', { section: t(`bulletin.sections.${section}`) })}
              rows={Math.max(3, lines[section].split('\n').length + 1)}
              value={lines[section]}
              onChange={(event) => editSection(section, event.target.value)}
            />
          ))
        }
      />
    </div>
  );
}

function linesOf(text: BulletinText): Record<BulletinSectionKey, string> {
  return Object.fromEntries(BULLETIN_SECTIONS.map((key) => [key, paragraphsToLines(text[key])])) as Record<
    BulletinSectionKey,
    string
  >;
}

function statusText(t: TFunction<'office'>, status: Status, dirty: boolean, saved: BulletinDocumentView): string {
  if (status.kind === 'failed') return status.message;
  if (status.kind === 'saving') return t('bulletin.saving');
  if (status.kind === 'exporting') return t('bulletin.exporting');
  if (dirty) return t('bulletin.unsaved');
  if (saved.updatedAt === null) return t('bulletin.neverSaved');
  return t('bulletin.saved', { time: formatDateTime(saved.updatedAt) });
}

/** The bulletin itself, as printed; while editing, each section's paragraphs are a textarea on screen. */
function BulletinText({
  paper,
  editor,
}: {
  paper: BulletinPaper;
  editor: ((section: BulletinSectionKey) => ReactNode) | null;
}) {
  const section = (key: BulletinSectionKey) => (
    <>
      {editor?.(key)}
      <div className={editor ? 'print-only' : undefined}>
        <Paragraphs texts={paper.text[key]} />
      </div>
    </>
  );
  return (
    <article className="bulletin" data-testid="bulletin" lang="zh-CN">
      {paper.documentNumber && (
        <p className="bulletin__number" data-testid="bulletin-number">
          {paper.documentNumber}
        </p>
      )}
      <h1 className="bulletin__title">{paper.title}</h1>
      <p className="bulletin__salutation">{paper.salutation}</p>
      {section('opening')}
      <h2 className="bulletin__heading">{paper.headings.overview}</h2>
      {section('overview')}
      <h2 className="bulletin__heading">{paper.headings.ranking}</h2>
      {section('ranking')}
      <BulletinTable testId="bulletin-ranking" header={RANKING_HEADER}>
        {paper.rankingRows.map((row) => (
          <tr key={row.district}>
            <td>{row.rank}</td>
            <td>{row.district}</td>
            <td>{row.sites}</td>
            <td>{row.inspected}</td>
            <td>{row.fullMarks}</td>
            <td>{row.toRectify}</td>
            <td>{row.averageScore}</td>
          </tr>
        ))}
      </BulletinTable>
      <h2 className="bulletin__heading">{paper.headings.problems}</h2>
      {section('problems')}
      <h2 className="bulletin__heading">{paper.headings.requirements}</h2>
      {section('requirements')}
      <p className="bulletin__sign">
        {paper.issuer}
        <br />
        {paper.issuedOn}
      </p>
      {paper.attachment.rows.length > 0 && (
        <section className="bulletin__attachment">
          <h2 className="bulletin__heading">{paper.attachment.heading}</h2>
          <BulletinTable testId="bulletin-attachment" header={ATTACHMENT_HEADER}>
            {paper.attachment.rows.map((row) => (
              <tr key={row.index}>
                <td className="nowrap">{row.index}</td>
                <td className="nowrap">{row.district}</td>
                <td>{row.name}</td>
                <td className="nowrap">{row.type}</td>
                <td className="nowrap">{row.score}</td>
                <td className="bulletin__problems">{row.problems}</td>
                <td className="nowrap">{row.dueOn}</td>
              </tr>
            ))}
          </BulletinTable>
        </section>
      )}
    </article>
  );
}

/** A section's paragraphs of body text. */
function Paragraphs({ texts }: { texts: readonly string[] }) {
  return texts.map((text, index) => (
    <p key={index} className="bulletin__para">
      {text}
    </p>
  ));
}

/** The ranking and the attachment share the bulletin's table layout: column heads over the rows. */
function BulletinTable({
  testId,
  header,
  children,
}: {
  testId: string;
  header: readonly string[];
  children: ReactNode;
}) {
  return (
    <table className="bulletin__table" data-testid={testId}>
      <thead>
        <tr>
          {header.map((head) => (
            <th key={head} scope="col">
              {head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
