import type { Db } from '../../db/database.ts';
import type { PluginSpec } from './config-file.types.ts';

export interface PluginApplyContext {
  /** The id of one of the team's procedures (as the file just wrote them), by shortId. */
  readonly procedureId: (shortId: string) => string | undefined;
  readonly prune: boolean;
  readonly now: number;
}

/** What an apply did to the team's plugins, as summary lines (`plugin <wabaId> (<what>)`). */
export interface PluginApplyResult {
  readonly created: string[];
  readonly updated: string[];
  readonly deleted: string[];
  readonly unchanged: number;
}

/**
 * Where a config file's `plugins:` are kept. The WhatsApp capability provides it (runtime.ts
 * wires it in): it seals the secrets, and owns the tables, so team-config never reaches into it.
 */
export interface PluginStore {
  /** Brings the team's plugins in step with the file, matched by WABA id; others go only with `prune`. */
  apply(tx: Db, teamId: string, plugins: readonly PluginSpec[], context: PluginApplyContext): Promise<PluginApplyResult>;
  /** The team's plugins in the file's format, secrets as `${VAR}` references, never values. */
  exportPlugins(db: Db, teamId: string, procedureShortId: (id: string) => string | null): Promise<Record<string, unknown>[]>;
}
