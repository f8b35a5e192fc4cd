import type { ProcessStatus } from '../../db/schema.ts';
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
