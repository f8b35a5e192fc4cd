import type { ProcessStatus } from '../../db/schema.ts';
import type { JsonObjectField } from '../../db/dialect/dialect.ts';
import type { ProcessRow } from './processes.repo.ts';

export interface ProcessWire {
  id: string;
  createdAt: number;
  updatedAt: number;
  team: string;
  procedure: string;
  entity: string | null;
  record: string | null;
  createdBy: string | null;
  assignedTo: string | null;
  belongsTo: string | null;
  status: ProcessStatus;
  state: string | null;
  nextActionAt: number;
  completedAt: number;
  data: Record<string, unknown>;
  derivedData: Record<string, unknown>;
  isDeleted: boolean;
  deletedAt: number | null;
}

/** The process object of API.md §3: references as UUIDs, times as epoch ms. */
export function toProcessWire(row: ProcessRow): ProcessWire {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    team: row.team_id,
    procedure: row.procedure_id,
    entity: row.entity_id,
    record: row.record_id,
    createdBy: row.created_by,
    assignedTo: row.assigned_to,
    belongsTo: row.belongs_to,
    status: row.status,
    state: row.state_id,
    nextActionAt: row.next_action_at,
    completedAt: row.completed_at,
    data: row.data,
    derivedData: row.derived_data,
    isDeleted: row.is_deleted === 1,
    deletedAt: row.deleted_at,
  };
}

/**
 * The same object as toProcessWire, keys in the same order, for the database to build as JSON
 * text (Fetch and List pass it to the response as it comes; see Dialect.jsonObjectText).
 */
export const PROCESS_JSON_FIELDS: readonly JsonObjectField[] = [
  ['id', 'id'], ['createdAt', 'created_at'], ['updatedAt', 'updated_at'], ['team', 'team_id'], ['procedure', 'procedure_id'],
  ['entity', 'entity_id'], ['record', 'record_id'], ['createdBy', 'created_by'], ['assignedTo', 'assigned_to'],
  ['belongsTo', 'belongs_to'], ['status', 'status'], ['state', 'state_id'], ['nextActionAt', 'next_action_at'],
  ['completedAt', 'completed_at'], ['data', 'data'], ['derivedData', 'derived_data'], ['isDeleted', 'is_deleted'], ['deletedAt', 'deleted_at'],
].map(([key, column]) => ({
  key, column, kind: column === 'data' || column === 'derived_data' ? 'json' : column === 'is_deleted' ? 'flag' : 'value',
}));
