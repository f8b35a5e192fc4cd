import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { isUuid } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import { createConfigObjectsRepo, readWebhookSettings } from '../../platform/team-config/index.ts';
import { createTeamsRepo } from '../../platform/teams/index.ts';
import * as errors from './plugins.errors.ts';
import { settingsColumns, settingsOf, toPluginConfigWire, toPluginSummary, type PluginSummary } from './plugins.mapper.ts';
import { createPluginsRepo, type PluginRow } from './plugins.repo.ts';
import type { UpdateConfigBody } from './plugins.schemas.ts';

export interface PluginsDeps {
  readonly db: Db;
  readonly clock: Clock;
}

export function createPluginsService(deps: PluginsDeps) {
  const { db, clock } = deps;
  const readJson = db.dialect.readJson;

  /** A plugin of the caller's team; any other id (another team's, malformed, unknown) is 404. */
  async function pluginOf(tx: Db, teamId: string, pluginId: string): Promise<PluginRow> {
    const row = isUuid(pluginId) ? await createPluginsRepo(tx).find(teamId, pluginId) : undefined;
    if (!row) throw errors.pluginNotFound();
    return row;
  }

  async function summaries(teamSlug: string): Promise<PluginSummary[]> {
    const team = await createTeamsRepo(db).findBySlug(teamSlug);
    if (!team) throw errors.unknownTeam(teamSlug);
    const repo = createPluginsRepo(db);
    const [rows, phones, procedures] = await Promise.all([
      repo.list(team.id), repo.phoneNumbers(team.id), createConfigObjectsRepo(db).list('procedures', team.id),
    ]);
    const shortIdOf = new Map(procedures.map((p) => [p.id, p.short_id]));
    return rows.map((row) => toPluginSummary(row, phones.filter((p) => p.plugin_id === row.id), shortIdOf.get(row.lead_procedure_id ?? '') ?? null, readJson));
  }

  return {
    /** Get Plugin Config (API.md §8.4): any role of the team may read the settings. */
    async getConfig(principal: Principal, pluginId: string) {
      const row = await pluginOf(db, principal.teamId, pluginId);
      const phones = (await createPluginsRepo(db).phoneNumbers(principal.teamId)).filter((p) => p.plugin_id === row.id);
      return toPluginConfigWire(row, phones, readJson);
    },

    /**
     * Update Plugin Config: ADMIN keys only. Keys left out keep their value; an empty URL unsets
     * it. The result is checked whole (URLs, event names) before anything is written.
     */
    async updateConfig(principal: Principal, pluginId: string, body: UpdateConfigBody): Promise<{ success: true }> {
      return db.transaction(async (tx) => {
        const row = await pluginOf(tx, principal.teamId, pluginId);
        if (principal.roleType !== 'ADMIN') throw errors.updateConfigForbidden();
        const problems: string[] = [];
        const settings = readWebhookSettings({ ...settingsOf(row, readJson), ...body }, '', problems);
        if (problems.length > 0) throw errors.invalidSettings(problems);
        await createPluginsRepo(tx).update(principal.teamId, row.id, { ...settingsColumns(settings), updated_at: clock() });
        return { success: true as const };
      });
    },

    /** `chakra plugin list`. */
    list: summaries,

    /** `chakra plugin show`. */
    async show(teamSlug: string, pluginId: string): Promise<PluginSummary> {
      const found = (await summaries(teamSlug)).find((p) => p.id === pluginId);
      if (!found) throw errors.pluginNotFound();
      return found;
    },
  };
}

export type PluginsService = ReturnType<typeof createPluginsService>;
