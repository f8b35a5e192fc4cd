import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * Counters behind `autoGenerate` primary keys. One statement takes the next value: the row is
 * created on first use and incremented atomically after that, under the transaction's write lock
 * (SQLite) or row lock (PostgreSQL), so concurrent creates never receive the same value.
 */
export function createSequencesRepo(db: Db) {
  /** Takes `count` consecutive values; returns the last one (the first is last - count + 1). */
  async function take(teamId: string, attributeId: string, count: number): Promise<number> {
    const { rows } = await sql<{ value: number }>`
      insert into sequences (attribute_id, team_id, value) values (${attributeId}, ${teamId}, ${count})
      on conflict (attribute_id) do update set value = sequences.value + ${count}
      returning value`.execute(db.kysely);
    return Number(rows[0].value);
  }
  return {
    next: (teamId: string, attributeId: string): Promise<number> => take(teamId, attributeId, 1),
    take,
  };
}
