import { sql } from 'kysely';
import { openDatabase, type DatabaseTarget } from '../src/db/database.ts';
import { leadTable } from './tables.ts';

export interface DerivedCheck {
  readonly processes: number;
  /** Processes whose derived `full_name` is missing although first_name is always given. */
  readonly missingFullName: number;
}

/**
 * A benchmark must not be fast by skipping work: every lead has a first_name, so its derived
 * `full_name` must be set. A derived attribute that failed (for example hit its time limit) is
 * stored as null and only logged, so this counts them in the database itself.
 */
export async function checkDerived(target: DatabaseTarget): Promise<DerivedCheck> {
  const db = openDatabase(target);
  try {
    const fullName = db.dialect.jsonValue('derived_data', 'full_name', 'text');
    const { rows } = await sql<{ total: number | string; missing: number | string | null }>`
      select count(*) as total, sum(case when ${fullName} is null then 1 else 0 end) as missing
      from ${sql.table(await leadTable(db))} where is_deleted = 0`.execute(db.kysely);
    return { processes: Number(rows[0].total), missingFullName: Number(rows[0].missing ?? 0) };
  } finally {
    await db.close();
  }
}
