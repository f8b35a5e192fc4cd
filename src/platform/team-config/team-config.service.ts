import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import type { Clock } from '../../shared/time.ts';
import { createTeamsRepo } from '../teams/index.ts';
import { createUsersRepo } from '../users/index.ts';
import { createConfigObjectsRepo } from './config-objects.repo.ts';
import type { ProcessStorage } from './process-storage.port.ts';
import type { PluginStore } from './plugin-store.port.ts';
import { parseConfigFile } from './config-file.ts';
import { applyTeamConfig, type ApplySummary } from './team-config.apply.ts';
import { exportTeamConfig } from './team-config.export.ts';
import { toConfigWire } from './team-config.mapper.ts';
import { ConfigInvalidError, teamMismatch, unknownTeam } from './team-config.errors.ts';

export interface TeamConfigDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly storage: ProcessStorage;
  readonly plugins: PluginStore;
  /** Called after a commit that moved a cache revision, so this process's caches drop at once. */
  readonly revisionsChanged: () => Promise<void>;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: plugins' webhook URLs may name loopback or private addresses. */
  readonly allowPrivateWebhookUrls?: boolean;
}

export interface ApplyRequest {
  /** The team the caller means (`--team`); must match the file's `team.slug`. */
  readonly teamSlug: string;
  readonly text: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly prune?: boolean;
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

/** Carries a dry run's summary out of the transaction it rolls back. */
class DryRunRollback extends Error {
  readonly summary: ApplySummary;
  constructor(summary: ApplySummary) {
    super('dry run');
    this.summary = summary;
  }
}

export function createTeamConfigService(deps: TeamConfigDeps) {
  const { db } = deps;

  return {
    /**
     * Validates the whole file before writing anything, then applies it in one transaction.
     * A dry run does every write and rolls them back, so its summary is exactly what would happen.
     */
    async apply(request: ApplyRequest): Promise<ApplySummary & { dryRun: boolean }> {
      const parsed = parseConfigFile(request.text, request.env, { allowPrivateUrls: deps.allowPrivateWebhookUrls === true });
      if (!parsed.ok) throw new ConfigInvalidError(parsed.problems);
      if (parsed.file.team.slug !== request.teamSlug) throw teamMismatch(parsed.file.team.slug, request.teamSlug);
      const options = { prune: request.prune === true, force: request.force === true };
      try {
        const summary = await db.transaction(async (tx) => {
          const result = await applyTeamConfig(tx, parsed.file, options, deps);
          if (request.dryRun) throw new DryRunRollback(result);
          return result;
        });
        await deps.revisionsChanged();
        // New attribute indexes are only chosen once the planner knows about them.
        if (summary.created.length + summary.updated.length + summary.deleted.length > 0) {
          const procedures = await createConfigObjectsRepo(db).list('procedures', summary.teamId);
          await db.dialect.refreshStatistics(db.kysely, procedures.map((p) => deps.storage.tableOf(p.id)));
        }
        return { ...summary, dryRun: false };
      } catch (error: unknown) {
        if (error instanceof DryRunRollback) return { ...error.summary, dryRun: true };
        throw error;
      }
    },

    async export(teamSlug: string): Promise<string> {
      const team = await createTeamsRepo(db).findBySlug(teamSlug);
      if (!team) throw unknownTeam(teamSlug);
      const [state, users] = await Promise.all([
        createConfigObjectsRepo(db).loadState(team.id),
        createUsersRepo(db).list(team.id, { includeServiceAccounts: false }),
      ]);
      const procedureShortId = new Map(state.procedures.map((p) => [p.id, p.short_id]));
      const plugins = await deps.plugins.exportPlugins(db, team.id, (id) => procedureShortId.get(id) ?? null);
      return exportTeamConfig(team, state, users, plugins, db.dialect.readJson);
    },

    /** Any role may read the data model (API.md §2). */
    async getConfig(principal: Principal): Promise<Record<string, unknown>> {
      const [team, state] = await Promise.all([
        createTeamsRepo(db).findById(principal.teamId),
        createConfigObjectsRepo(db).loadState(principal.teamId),
      ]);
      if (!team) throw unknownTeam(principal.teamId);
      return toConfigWire(team, state, db.dialect.readJson);
    },
  };
}

export type TeamConfigService = ReturnType<typeof createTeamConfigService>;
