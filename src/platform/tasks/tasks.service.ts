import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { AppError } from '../../shared/errors.ts';
import { isUuid, newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import { emptyReferences } from '../attributes/attribute-values.ts';
import type { ProcedureModel, StateTaskModel, TeamModel } from '../procedures/procedure-model.ts';
import type { ProcessesService } from '../processes/index.ts';
import { mergeData, missingRequired, noProblems, type Problems } from '../processes/process-data.ts';
import { problemsError } from '../processes/processes.errors.ts';
import { resolveReferences, type MissingPhotoIds } from '../processes/process-references.ts';
import { createUsersRepo } from '../users/index.ts';
import { readTaskInput, type TaskInput } from './task-input.ts';
import { createTasksRepo, type TaskRow } from './tasks.repo.ts';
import { toTaskWire, type TaskWire } from './tasks.mapper.ts';
import * as errors from './tasks.errors.ts';

export interface TasksDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly processes: ProcessesService;
  readonly missingPhotoIds: MissingPhotoIds;
}

const MAX_LIMIT = 100;

function throwIf(problems: Problems): void {
  const error = problemsError(problems);
  if (error) throw error;
}

/** Status changes stamp their time: COMPLETED → completedAt, CANCELLED → cancelledAt; OPEN clears both. */
function statusTimes(status: TaskRow['status'], now: number): Pick<TaskRow, 'completed_at' | 'cancelled_at'> {
  return { completed_at: status === 'COMPLETED' ? now : 0, cancelled_at: status === 'CANCELLED' ? now : 0 };
}

export function createTasksService(deps: TasksDeps) {
  const { db, clock } = deps;

  /** Everything a body needs checked against the database: references and the assignee. */
  async function resolveInput(tx: Db, team: TeamModel, principal: Principal, stateTask: StateTaskModel, input: TaskInput, refs: ReturnType<typeof emptyReferences>, problems: Problems) {
    const target = { attributes: stateTask.attributes, owner: `state task '${stateTask.shortId}'`, path: 'data' };
    problems.invalid.push(...(await resolveReferences(tx, team, principal, refs, [{ changes: input.data, target }], deps.missingPhotoIds)));
    let assignedTo: string | null | undefined = input.assignedTo;
    if (typeof assignedTo === 'string') {
      const user = await createUsersRepo(tx).findByReference(team.id, assignedTo, { activeOnly: true });
      if (!user) problems.invalid.push(`assignedTo: unknown or inactive user "${assignedTo}"`);
      assignedTo = user?.id;
    }
    return { target, assignedTo };
  }

  function stateTaskOf(procedure: ProcedureModel, shortIdOrId: string): StateTaskModel {
    const stateTask = procedure.stateTasks.get(shortIdOrId) ?? [...procedure.stateTasks.values()].find((t) => t.id === shortIdOrId);
    if (!stateTask) throw errors.unknownStateTask(shortIdOrId, procedure.shortId);
    return stateTask;
  }

  /** The task if its process is one the caller may see (read outside any transaction). */
  async function loadVisible(principal: Principal, taskId: string) {
    if (!isUuid(taskId)) throw errors.invalidTaskId();
    const task = await createTasksRepo(db).findLive(principal.teamId, taskId.toLowerCase());
    if (!task) throw errors.taskNotFound();
    const found = await deps.processes.locateVisible(db, principal, task.procedure_id, task.process_id).catch((error: unknown) => {
      // A task whose process is gone, hidden or of a since-removed procedure is not found either.
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    });
    if (!found) throw errors.taskNotFound();
    return { task, ...found, stateTask: stateTaskOf(found.procedure, task.state_task_id) };
  }

  return {
    async create(principal: Principal, procedureRef: string, processRef: string, stateTaskRef: string, body: Record<string, unknown>): Promise<TaskWire> {
      // No transaction: a single insert needs none, and the lookup must not run inside one (see loadVisible).
      const { team, procedure, process } = await deps.processes.locateVisible(db, principal, procedureRef, processRef);
      const stateTask = stateTaskOf(procedure, stateTaskRef);
      const problems = noProblems();
      const refs = emptyReferences();
      const ctx = { timezone: team.timezone, defaultCountryCode: team.defaultCountryCode };
      const input = readTaskInput(body, stateTask, 'create', ctx, refs, problems);
      throwIf(problems);
      const { target, assignedTo } = await resolveInput(db, team, principal, stateTask, input, refs, problems);
      const data = mergeData({}, input.data);
      problems.invalid.push(...missingRequired(target, data));
      throwIf(problems);
      const now = clock();
      const status = input.status ?? 'OPEN';
      const row: TaskRow = {
        id: newId(), team_id: team.id, procedure_id: procedure.id, process_id: process.id, record_id: process.record_id,
        state_task_id: stateTask.id, task_type_id: stateTask.taskTypeId, title: input.title ?? stateTask.name,
        description: input.description ?? '', status, data, derived_data: {}, created_by: principal.userId,
        assigned_to: assignedTo ?? null, belongs_to: null, starts_at: input.startsAt ?? 0, ends_at: input.endsAt ?? 0,
        due_by: input.dueBy ?? 0, started_at: 0, ...statusTimes(status, now), is_deleted: 0, created_at: now, updated_at: now,
      };
      await createTasksRepo(db).insert(row);
      return toTaskWire(row);
    },

    async get(principal: Principal, taskId: string): Promise<TaskWire> {
      return toTaskWire((await loadVisible(principal, taskId)).task);
    },

    /** Partial update; a status change stamps (or clears) the matching timestamps. */
    async update(principal: Principal, taskId: string, body: Record<string, unknown>): Promise<TaskWire> {
      const { team, stateTask } = await loadVisible(principal, taskId);
      return toTaskWire(await db.transaction(async (tx) => {
        // Read again inside the transaction, so the data merge starts from what is stored now.
        const task = await createTasksRepo(tx).findLive(principal.teamId, taskId.toLowerCase(), { forUpdate: true });
        if (!task) throw errors.taskNotFound();
        const problems = noProblems();
        const refs = emptyReferences();
        const ctx = { timezone: team.timezone, defaultCountryCode: team.defaultCountryCode };
        const input = readTaskInput(body, stateTask, 'update', ctx, refs, problems);
        throwIf(problems);
        const { target, assignedTo } = await resolveInput(tx, team, principal, stateTask, input, refs, problems);
        const data = mergeData(task.data, input.data);
        problems.invalid.push(...missingRequired(target, data));
        throwIf(problems);
        const now = clock();
        const next: TaskRow = {
          ...task, data, updated_at: now, title: input.title ?? task.title, description: input.description ?? task.description,
          due_by: input.dueBy ?? task.due_by, starts_at: input.startsAt ?? task.starts_at, ends_at: input.endsAt ?? task.ends_at,
        };
        if (assignedTo !== undefined) next.assigned_to = assignedTo;
        if (input.status !== undefined && input.status !== task.status) Object.assign(next, { status: input.status }, statusTimes(input.status, now));
        const { id, team_id: teamId, ...changes } = next;
        await createTasksRepo(tx).update(teamId, id, changes);
        return next;
      }));
    },

    /** Extension: a process's tasks, newest first. */
    async listForProcess(principal: Principal, procedureRef: string, processRef: string, skip: number, limit: number) {
      const { process } = await deps.processes.locateVisible(db, principal, procedureRef, processRef);
      const page = await createTasksRepo(db).listByProcess(principal.teamId, process.id, skip, Math.min(limit, MAX_LIMIT));
      return { tasks: page.rows.map(toTaskWire), meta: { hasMore: page.hasMore, skip, limit: Math.min(limit, MAX_LIMIT) } };
    },
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
