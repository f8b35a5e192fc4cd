import type { Db } from '../../db/database.ts';
import type { TeamConfigState } from './config-objects.repo.ts';

/**
 * What applying a config needs from where processes are stored. The processes capability
 * provides it (runtime.ts wires it in), so team-config never reaches into processes.
 */
export interface ProcessStorage {
  /**
   * Brings the team's process storage in step with its procedures as just written: a table for
   * each new procedure, attribute indexes and key counters matching the attributes, and the
   * table of a removed procedure dropped. `before` is the team's config before this apply.
   */
  sync(tx: Db, teamId: string, before: TeamConfigState): Promise<void>;
  /** How many processes a procedure holds, deleted ones included (their history refers to them). */
  countProcesses(tx: Db, procedureId: string): Promise<number>;
  /** The table a procedure's processes are stored in (for counting stored values). */
  tableOf(procedureId: string): string;
}
