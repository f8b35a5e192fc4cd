import type { Db } from '../src/db/database.ts';
import type { ProcedureTableName } from '../src/db/schema.ts';
import { procedureTable } from '../src/platform/processes/index.ts';

/** The process table of the bench's `lead` procedure (processes live in a table per procedure). */
export async function leadTable(db: Db): Promise<ProcedureTableName> {
  const row = await db.kysely.selectFrom('procedures').select('id').where('short_id', '=', 'lead').orderBy('created_at').executeTakeFirstOrThrow();
  return procedureTable(row.id);
}
