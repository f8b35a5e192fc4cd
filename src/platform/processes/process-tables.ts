import type { ProcedureTableName } from '../../db/schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The table holding a procedure's processes: `proc_` and the procedure's id without dashes (34
 * characters, within PostgreSQL's 63). Ids come from the team's config tables, never from client
 * text, and are checked here anyway because the name is written into SQL.
 */
export function procedureTable(procedureId: string): ProcedureTableName {
  if (!UUID.test(procedureId)) throw new Error(`not a procedure id: ${JSON.stringify(procedureId)}`);
  return `proc_${procedureId.replace(/-/g, '')}`;
}
