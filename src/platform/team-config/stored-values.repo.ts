import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { OwnerKind } from '../../db/schema.ts';

/** Where the values of an owner's attributes are stored: its processes (a table of their own), records or tasks. */
const storeOf = (processTable: (procedureId: string) => string): Record<OwnerKind, (ownerId: string) => { table: string; owner: string | null }> => ({
  procedure: (id) => ({ table: processTable(id), owner: null }),
  entity: () => ({ table: 'records', owner: 'entity_id' }),
  stateTask: () => ({ table: 'tasks', owner: 'state_task_id' }),
});

/**
 * Counts stored values of one attribute, to tell an operator what a config change would make
 * invalid (CONFIG.md: changing a type or removing an enum option in use needs --force).
 */
export function createStoredValuesRepo(db: Db, processTable: (procedureId: string) => string) {
  const STORE = storeOf(processTable);
  async function count(teamId: string, ownerKind: OwnerKind, ownerId: string, condition: RawBuilder<boolean>): Promise<number> {
    const { table, owner } = STORE[ownerKind](ownerId);
    const ofOwner = owner === null ? sql`` : sql`and ${sql.ref(owner)} = ${ownerId}`;
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from ${sql.table(table)}
      where team_id = ${teamId} ${ofOwner} and is_deleted = 0 and ${condition}`.execute(db.kysely);
    return Number(rows[0]?.n ?? 0);
  }
  return {
    /** Live objects holding any value for the attribute. */
    withValue: (teamId: string, ownerKind: OwnerKind, ownerId: string, shortId: string) =>
      count(teamId, ownerKind, ownerId, sql<boolean>`not ${db.dialect.jsonIsAbsent('data', shortId)}`),

    /** Live objects whose value is (or, for multi-valued attributes, contains) one of `values`. */
    withOneOf: (teamId: string, ownerKind: OwnerKind, ownerId: string, shortId: string, values: readonly (string | number)[], multi: boolean) => {
      const kind = typeof values[0] === 'number' ? 'number' : 'text';
      const condition = multi
        ? sql<boolean>`(${sql.join(values.map((v) => db.dialect.jsonArrayContains('data', shortId, v, kind)), sql` or `)})`
        : sql<boolean>`${db.dialect.jsonValue('data', shortId, kind)} in (${sql.join(values.map((v) => sql`${v}`))})`;
      return count(teamId, ownerKind, ownerId, condition);
    },
  };
}
