import type { ProcessStatus } from '../../db/schema.ts';
import type { TaskRow } from './tasks.repo.ts';

export interface TaskWire {
  id: string; createdAt: number; updatedAt: number; team: string; procedure: string; process: string; record: string | null;
  stateTask: string; taskType: string | null; title: string; description: string; status: ProcessStatus;
  data: Record<string, unknown>; derivedData: Record<string, unknown>; createdBy: string | null; assignedTo: string | null;
  belongsTo: string | null; startsAt: number; endsAt: number; dueBy: number; startedAt: number; completedAt: number;
  cancelledAt: number; isDeleted: boolean;
}

/** The task object of API.md §4. */
export function toTaskWire(row: TaskRow): TaskWire {
  return {
    id: row.id, createdAt: row.created_at, updatedAt: row.updated_at, team: row.team_id, procedure: row.procedure_id,
    process: row.process_id, record: row.record_id, stateTask: row.state_task_id, taskType: row.task_type_id,
    title: row.title, description: row.description, status: row.status, data: row.data, derivedData: row.derived_data,
    createdBy: row.created_by, assignedTo: row.assigned_to, belongsTo: row.belongs_to, startsAt: row.starts_at,
    endsAt: row.ends_at, dueBy: row.due_by, startedAt: row.started_at, completedAt: row.completed_at,
    cancelledAt: row.cancelled_at, isDeleted: row.is_deleted === 1,
  };
}
