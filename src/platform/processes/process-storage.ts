import type { Db } from '../../db/database.ts';
import { buildTeamModel } from '../procedures/build-team-model.ts';
import { createTeamsRepo } from '../teams/index.ts';
import { createConfigObjectsRepo, type ProcessStorage, type TeamConfigState } from '../team-config/index.ts';
import { createProcessTablesRepo } from './process-tables.repo.ts';
import { procedureTable } from './process-tables.ts';
import { createSequencesRepo } from './sequences.repo.ts';

/**
 * Where processes are stored, as config apply sees it (team-config's ProcessStorage): each
 * procedure's table and attribute indexes (process-tables.repo.ts) and the counters of its
 * generated primary keys, kept in step with the procedures just written.
 */
export function createProcessStorage(): ProcessStorage {
  return {
    async sync(tx: Db, teamId: string, before: TeamConfigState): Promise<void> {
      const team = await createTeamsRepo(tx).findById(teamId);
      const after = await createConfigObjectsRepo(tx).loadState(teamId);
      const model = buildTeamModel(team!, after, tx.dialect.readJson);
      const tables = createProcessTablesRepo(tx);
      await tables.sync(after.procedures.map((p) => model.procedures.get(p.id)!));
      const kept = new Set(after.procedures.map((p) => p.id));
      for (const p of before.procedures) if (!kept.has(p.id)) await tables.drop(p.id);
      // Counters of autoGenerate primary keys exist exactly for the attributes that generate.
      const sequences = createSequencesRepo(tx);
      const generating = new Set(after.attributes.filter((a) => tx.dialect.readJson(a.auto_generate) !== null).map((a) => a.id));
      for (const id of generating) await sequences.ensure(id);
      for (const a of before.attributes) if (!generating.has(a.id) && tx.dialect.readJson(a.auto_generate) !== null) await sequences.drop(a.id);
    },
    countProcesses: (tx, procedureId) => createProcessTablesRepo(tx).countAll(procedureId),
    tableOf: procedureTable,
  };
}
