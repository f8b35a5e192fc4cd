import type { Db } from '../../db/database.ts';
import { coerceAttributeValue, emptyReferences } from '../attributes/attribute-values.ts';
import type { ProcedureModel, TeamModel } from '../procedures/procedure-model.ts';
import { coerceContext } from './process-writer.ts';
import { createProcessesRepo } from './processes.repo.ts';

/** A primary-key value as it is stored (coerced by the attribute's type); undefined when it cannot be or there is no key. */
export function storedPrimaryKey(team: TeamModel, procedure: ProcedureModel, value: unknown): string | undefined {
  const pk = procedure.primaryKey;
  if (!pk) return undefined;
  const coerced = coerceAttributeValue(pk, value, pk.shortId, coerceContext(team), emptyReferences());
  return coerced.ok && coerced.value !== null ? String(coerced.value) : undefined;
}

/** The current primary-key value of each live process of the procedure among `ids`. */
export function primaryKeysOf(db: Db, teamId: string, procedureId: string, ids: readonly string[]): Promise<Map<string, string>> {
  return createProcessesRepo(db).pkValuesOf(teamId, procedureId, ids);
}
