/**
 * Migration 0002: each inspection keeps its deductions (`[{itemId, grade}]`) beside the score,
 * computed once at write time, so the round report and the rectification list read a few bytes
 * per inspection instead of parsing every whole body (10,000 inspections per report).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('inspections')
    .addColumn('deductions_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}
