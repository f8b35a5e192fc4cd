import type { EntryCompletionStatus } from '../../db/schema.ts';
import { COUNTER, type BackgroundJobRow, type EntryRow } from './background-jobs.repo.ts';

export const ENTRY_STATUSES: readonly EntryCompletionStatus[] = ['INVALID', 'NOT_STARTED', 'IN_PROGRESS', 'SUCCESS', 'ERROR', 'CANCELLED'];

/** The job object of API.md §5. */
export function toJobWire(row: BackgroundJobRow) {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    completionStatus: row.completion_status,
    statusMessage: row.status_message,
    team: row.team_id,
    type: row.type,
    createdBy: row.created_by,
    apiType: row.api_type,
    procedure: row.procedure_id,
    totalEntries: row.total_entries,
    retryOf: row.retry_of,
  };
}

/** `_meta.bjEntryCompletionStatusVsCount`: all six statuses, zeros included. */
export function countsOf(row: BackgroundJobRow): Record<EntryCompletionStatus, number> {
  return Object.fromEntries(ENTRY_STATUSES.map((s) => [s, Number(row[COUNTER[s]])])) as Record<EntryCompletionStatus, number>;
}

/** The order of API.md's example summary: outcomes first, then what never ran. */
const SUMMARY_ORDER: readonly EntryCompletionStatus[] = ['SUCCESS', 'ERROR', 'INVALID', 'CANCELLED', 'NOT_STARTED', 'IN_PROGRESS'];

/** "770 entries: 700 SUCCESS, 50 ERROR, 20 INVALID" (statuses with no entries left out). */
export function statusMessage(row: BackgroundJobRow): string {
  const counts = countsOf(row);
  const parts = SUMMARY_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return `${row.total_entries} entries: ${parts.join(', ')}`;
}

/** The entry object, exactly the shape ChakraHQ's jobs show (API.md §5). */
export function toEntryWire(row: EntryRow, apiType: string) {
  const item = row.api_data as Record<string, unknown>;
  const apiData = apiType === 'process:ext-update' && row.process_id && typeof item === 'object' && item !== null && !Array.isArray(item)
    ? { ...item, id: row.process_id }
    : item;
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    data: { apiData, apiType },
    validationStatus: row.validation_status,
    validationMessage: row.validation_message,
    validationResult: null,
    completionStatus: row.completion_status,
    completionMessage: row.completion_message,
    completionResult: row.process_id ? { processId: row.process_id } : null,
    team: row.team_id,
    backgroundJob: row.background_job_id,
    createdBy: row.created_by,
    index: row.idx,
  };
}
