import assert from 'node:assert/strict';
import type { Runtime } from '../../../src/runtime.ts';
import { demoConfigFor } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, dataOf, type Client } from '../../support/processes.ts';

/** Every key of the task object (API.md §4). */
export const TASK_KEYS = [
  'id', 'createdAt', 'updatedAt', 'team', 'procedure', 'process', 'record', 'stateTask', 'taskType', 'title',
  'description', 'status', 'data', 'derivedData', 'createdBy', 'assignedTo', 'belongsTo', 'startsAt', 'endsAt',
  'dueBy', 'startedAt', 'completedAt', 'cancelledAt', 'isDeleted',
].sort();

/** The Create Task API path; every segment encoded, as the official SDK does. */
export const createTaskPath = (procedure: string, processRef: string, stateTask: string): string =>
  `/v1/ext/p/${encodeURIComponent(procedure)}/${encodeURIComponent(processRef)}/task/${encodeURIComponent(stateTask)}`;

export const taskPath = (taskId: string): string => `/v1/ext/task/${encodeURIComponent(taskId)}`;

export const processTasksPath = (procedure: string, processRef: string, query = ''): string =>
  `/v1/ext/p/${encodeURIComponent(procedure)}/${encodeURIComponent(processRef)}/tasks${query}`;

/**
 * A second procedure without entity or primary key, whose state task has a required integer,
 * a user reference and a photo: what the demo `call` task does not exercise.
 */
const TICKET_PROCEDURE = `
  - shortId: ticket
    name: Ticket
    defaultStartState: OPEN_TICKET
    states:
      - { shortId: OPEN_TICKET, name: Open }
    attributes:
      - { shortId: subject, name: Subject, type: string }
    stateTasks:
      - shortId: visit
        name: Site visit
        taskType: meeting
        states: [OPEN_TICKET]
        attributes:
          - { shortId: duration, type: integer, required: true }
          - { shortId: agent, type: user }
          - { shortId: snap, type: photo }
`;

/** Adds the `ticket` procedure to a team seeded with the demo config. */
export async function addTicketProcedure(runtime: Runtime, slug: string): Promise<void> {
  const text = demoConfigFor(slug);
  const sections = [...text.matchAll(/^(\w+):/gm)].map((m) => m[1]);
  assert.equal(sections.at(-1), 'procedures', 'the procedure is appended to the last section of the demo config');
  await runtime.services.teamConfig.apply({ teamSlug: slug, text: text.trimEnd() + '\n' + TICKET_PROCEDURE, env: {} });
}

/** Config UUIDs a client uses to resolve a task's reference fields. */
export interface TaskConfigIds {
  team: string;
  procedures: Record<string, string>;
  stateTasks: Record<string, { id: string; procedure: string; taskType: string; name: string }>;
  taskTypes: Record<string, string>;
}

export async function taskConfigIds(url: string, token: string): Promise<TaskConfigIds> {
  const config = dataOf(await client(url, token).get('/v1/ext/config'));
  const byShortId = (list: any[]) => Object.fromEntries(list.map((o) => [o.shortId, o.id]));
  return {
    team: config.team.id,
    procedures: byShortId(config.procedures),
    stateTasks: Object.fromEntries(config.stateTasks.map((t: any) => [t.shortId, { id: t.id, procedure: t.procedure, taskType: t.taskType, name: t.name }])),
    taskTypes: byShortId(config.taskTypes),
  };
}

/** A lead (the create must succeed); `extra` is merged into the create body. */
export async function newLead(c: Client, extra: Record<string, unknown> = {}): Promise<any> {
  return createProcess(c, LEAD, { data: { first_name: 'Ted', last_name: 'Mosby' }, record: { data: { phone_number: '9900112233' } }, ...extra });
}

/** Creates a task on a lead by its UUID (it must succeed). */
export async function newCallTask(c: Client, processRef: string, body: Record<string, unknown> = {}): Promise<any> {
  return dataOf(await c.post(createTaskPath('lead', processRef, 'call'), body));
}

/** Reads a task through the extension (it must be visible to `c`). */
export async function readTask(c: Client, taskId: string): Promise<any> {
  return dataOf(await c.get(taskPath(taskId)));
}

/** The ids of a process's tasks, newest first, as listed to `c` (first page of 100). */
export async function taskIdsOf(c: Client, procedure: string, processRef: string): Promise<string[]> {
  return dataOf(await c.get(processTasksPath(procedure, processRef, '?limit=100'))).map((t: any) => t.id);
}
