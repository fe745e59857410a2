/**
 * The round's bulletin document (通报) as the office last saved it: one JSON row per round in
 * `bulletin_documents` (migration 0012). Saving is a whole-document PUT: the same document again
 * changes nothing (not even who saved it last), so a retried save is harmless.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  defaultBulletinDocument,
  type BulletinDocument,
  type BulletinDocumentView,
} from '../../domain/bulletin-document';
import { ApiError } from '../http/api-error';
import type { Database } from '../storage/schema';
import { lockAuditChain, recordAudit } from './audit';

/** The stored document, or the defaults (never saved: `updatedAt` null). */
export async function findBulletinDocument(db: Kysely<Database>, roundId: string): Promise<BulletinDocumentView> {
  const row = await db
    .selectFrom('bulletin_documents')
    .select(['document_json', 'updated_at', 'updated_by'])
    .where('round_id', '=', roundId)
    .executeTakeFirst();
  if (!row) return { roundId, ...defaultBulletinDocument(), updatedAt: null, updatedBy: null };
  return {
    roundId,
    ...canonical(JSON.parse(row.document_json) as BulletinDocument),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/**
 * Stores the document for the round (400 when its district order names a district no site is
 * in: a typo would otherwise sort silently last). Unchanged content keeps the stored row as it is.
 */
export async function saveBulletinDocument(
  db: Kysely<Database>,
  roundId: string,
  document: BulletinDocument,
  userId: string,
  now: Date,
): Promise<BulletinDocumentView> {
  await checkDistricts(db, document.districtOrder);
  const documentJson = JSON.stringify(canonical(document));
  const updatedAt = now.toISOString();
  await db.transaction().execute(async (trx) => {
    // The audit chain's head first (services/audit.ts): a save that changes something is logged.
    await lockAuditChain(trx);
    const stored = await trx
      .selectFrom('bulletin_documents')
      .select('document_json')
      .where('round_id', '=', roundId)
      .executeTakeFirst();
    if (stored?.document_json === documentJson) return;
    await recordAudit(trx, {
      actor: { id: userId },
      action: 'bulletin.saved',
      at: updatedAt,
      roundId,
      detail: {
        before: stored ? createHash('sha256').update(stored.document_json).digest('hex') : null,
        after: createHash('sha256').update(documentJson).digest('hex'),
      },
    });
    await trx
      .insertInto('bulletin_documents')
      .values({ round_id: roundId, document_json: documentJson, updated_at: updatedAt, updated_by: userId })
      .onConflict((conflict) =>
        conflict
          .column('round_id')
          .doUpdateSet({ document_json: documentJson, updated_at: updatedAt, updated_by: userId }),
      )
      .execute();
  });
  return findBulletinDocument(db, roundId);
}

/** The issuing office the round's bulletin names, for the public ranking page; null while never saved. */
export async function issuingOffice(db: Kysely<Database>, roundId: string): Promise<string | null> {
  const row = await db
    .selectFrom('bulletin_documents')
    .select('document_json')
    .where('round_id', '=', roundId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.document_json) as BulletinDocument).issuer : null;
}

async function checkDistricts(db: Kysely<Database>, districtOrder: readonly string[]): Promise<void> {
  if (districtOrder.length === 0) return;
  const known = new Set(
    (
      await db
        .selectFrom('sites')
        .select('district')
        .distinct()
        .where('district', 'in', [...districtOrder])
        .execute()
    ).map((row) => row.district),
  );
  const issues = districtOrder.flatMap((district, index) =>
    known.has(district) ? [] : [{ path: `districtOrder.${index}`, message: `no site is in the district ${district}` }],
  );
  if (issues.length > 0) {
    const names = issues.slice(0, 5).map((issue) => issue.message.replace('no site is in the district ', ''));
    throw new ApiError('invalid_request', `区县顺序中有未知的区县：${names.join('、')}`, { issues });
  }
}

/** The fields in one order, so that the same document is the same JSON whatever order it came in. */
function canonical(document: BulletinDocument): BulletinDocument {
  const { documentNumber, issuer, issuedOn, text, attachmentOrder, districtOrder } = document;
  const sections = text && {
    opening: text.opening,
    overview: text.overview,
    ranking: text.ranking,
    problems: text.problems,
    requirements: text.requirements,
  };
  return { documentNumber, issuer, issuedOn, text: sections, attachmentOrder, districtOrder };
}
