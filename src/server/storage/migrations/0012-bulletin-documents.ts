/**
 * Migration 0012: the round's bulletin as the office sends it (issue #17, the papers): its
 * document number, issuer, date, the paragraphs as edited and the attachment's district order,
 * kept as one JSON document per round (`src/domain/bulletin-document.ts` checks it on the way in;
 * nothing queries inside it but the public page, which reads the issuer by round).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bulletin_documents')
    .addColumn('round_id', 'text', (c) => c.primaryKey().references('rounds.id'))
    .addColumn('document_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull().references('users.id'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('bulletin_documents').execute();
}
