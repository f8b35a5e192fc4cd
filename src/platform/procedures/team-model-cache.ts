import type { Db } from '../../db/database.ts';
import { notFound } from '../../shared/errors.ts';
import type { RevisionWatcher } from '../revisions/index.ts';
import { createTeamsRepo } from '../teams/index.ts';
import { createConfigObjectsRepo } from '../team-config/index.ts';
import { buildTeamModel } from './build-team-model.ts';
import type { ProcedureModel, TeamModel } from './procedure-model.ts';

/**
 * `via`: the handle to read through on a miss. Inside a transaction pass the transaction: the
 * root handle refuses queries from inside one (see db/database.ts).
 */
export interface TeamModelCache {
  get(teamId: string, via?: Db): Promise<TeamModel>;
  /** The procedure by shortId or UUID; unknown → 404 (API.md §3). */
  procedure(teamId: string, shortIdOrId: string, via?: Db): Promise<ProcedureModel>;
}

/**
 * Every process request needs its team's data model; reading a dozen config tables each time
 * would dominate the hot path. Models are cached per team and dropped whenever the shared
 * `config` revision moves (config apply in any process bumps it).
 */
export function createTeamModelCache(db: Db, watcher: RevisionWatcher): TeamModelCache {
  const cache = new Map<string, Promise<TeamModel>>();
  watcher.onChange('config', () => cache.clear());

  async function load(teamId: string, via: Db): Promise<TeamModel> {
    const team = await createTeamsRepo(via).findById(teamId);
    if (!team) throw notFound('Unknown team');
    const state = await createConfigObjectsRepo(via).loadState(teamId);
    return buildTeamModel(team, state, via.dialect.readJson);
  }

  const get = (teamId: string, via: Db = db): Promise<TeamModel> => {
    const cached = cache.get(teamId);
    if (cached) return cached;
    const seen = watcher.current('config');
    const loading = load(teamId, via);
    // Keep it only if no config change was noticed meanwhile; failures are never kept.
    if (seen !== -1) cache.set(teamId, loading);
    loading.then(
      () => { if (watcher.current('config') !== seen) cache.delete(teamId); },
      () => cache.delete(teamId),
    );
    return loading;
  };

  return {
    get,
    async procedure(teamId, shortIdOrId, via) {
      const procedure = (await get(teamId, via)).procedures.get(shortIdOrId);
      if (!procedure) throw notFound(`Unknown procedure '${shortIdOrId}'`);
      return procedure;
    },
  };
}
