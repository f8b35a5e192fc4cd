import type { Db } from '../../db/database.ts';

/**
 * Counters behind `autoGenerate` primary keys (how they are kept differs per database; see
 * `takeSequence` in db/dialect). Concurrent creates never receive the same value.
 */
export function createSequencesRepo(db: Db) {
  return {
    async next(teamId: string, attributeId: string): Promise<number> {
      return (await db.dialect.takeSequence(db.kysely, { teamId, attributeId }, 1))[0];
    },
    /** `count` increasing values. */
    take: (teamId: string, attributeId: string, count: number): Promise<number[]> => db.dialect.takeSequence(db.kysely, { teamId, attributeId }, count),
    ensure: (attributeId: string): Promise<void> => db.dialect.ensureSequence(db.kysely, attributeId),
    drop: (attributeId: string): Promise<void> => db.dialect.dropSequence(db.kysely, attributeId),
  };
}
