import assert from 'node:assert/strict';
import { call, client, type ApiResponse } from './http.ts';
import { png } from '../fixtures/images/images.ts';
import { demoConfigFor } from './factories.ts';

/** The process endpoints of the demo `lead` procedure. */
export const LEAD = '/v1/ext/procedure/lead/process';

/** Every key of the process object (API.md §3). */
export const PROCESS_KEYS = [
  'id', 'createdAt', 'updatedAt', 'team', 'procedure', 'entity', 'record', 'createdBy', 'assignedTo', 'belongsTo',
  'status', 'state', 'nextActionAt', 'completedAt', 'data', 'derivedData', 'isDeleted', 'deletedAt',
].sort();

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID no object has (version 7 shape, so it passes any format check). */
export const UNKNOWN_UUID = '01900000-0000-7000-8000-000000000000';

export type Client = ReturnType<typeof client>;

/** An error answer: the envelope with `_data: []`, the machine code and its messages. */
export function assertError(res: ApiResponse, status: number, code: string): string[] {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.deepEqual(res.body._data, []);
  assert.equal(res.body._meta.code, code);
  assert.ok(Array.isArray(res.body._errors) && res.body._errors.length > 0, 'expected at least one error message');
  for (const message of res.body._errors) assert.equal(typeof message, 'string');
  return res.body._errors as string[];
}

/** Asserts that some message matches every pattern given (one message per pattern, any order). */
export function assertMessage(messages: readonly string[], ...patterns: RegExp[]): void {
  for (const pattern of patterns) {
    assert.ok(messages.some((m) => pattern.test(m)), `no message matches ${pattern}: ${JSON.stringify(messages)}`);
  }
}

/** The `_data` of a successful answer. */
export function dataOf(res: ApiResponse): any {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body._errors === undefined || res.body._errors.length === 0, 'a 2xx never carries errors');
  return res.body._data;
}

/** Config UUIDs read through `GET /v1/ext/config`, as a client resolves them. */
export interface ConfigIds {
  team: string;
  procedures: Record<string, string>;
  entities: Record<string, string>;
  /** procedure shortId → state shortId → state UUID */
  states: Record<string, Record<string, string>>;
}

export async function configIds(url: string, token: string): Promise<ConfigIds> {
  const config = dataOf(await client(url, token).get('/v1/ext/config'));
  const byShortId = (list: any[]) => Object.fromEntries(list.map((o) => [o.shortId, o.id]));
  return {
    team: config.team.id,
    procedures: byShortId(config.procedures),
    entities: byShortId(config.entities),
    states: Object.fromEntries(config.procedures.map((p: any) => [p.shortId, byShortId(p.states)])),
  };
}

/** A clock the test moves by hand, so timestamps can be asserted exactly. */
export function manualClock(start = Date.UTC(2024, 0, 15, 9, 30)) {
  let now = start;
  return {
    clock: () => now,
    now: () => now,
    advance(ms = 1000): number {
      now += ms;
      return now;
    },
  };
}

/** Creates a process and returns it (the create must succeed). */
export async function createProcess(c: Client, path: string, body: unknown): Promise<any> {
  return dataOf(await c.post(path, body));
}

/** Fetches a process by id and returns it (it must be visible). */
export async function fetchProcess(c: Client, path: string, id: string): Promise<any> {
  return dataOf(await c.get(`${path}/${id}`));
}

/**
 * The demo config of `slug` with more users, given as YAML flow mappings
 * (`{ username: kim, …, manager: john }`), placed in its `users:` list.
 */
export function demoConfigWithUsers(slug: string, users: readonly string[]): string {
  const text = demoConfigFor(slug);
  assert.ok(/^users:$/m.test(text), 'the demo config has a users list');
  return text.replace(/^users:$/m, ['users:', ...users.map((u) => `  - ${u}`)].join('\n'));
}

/** The demo config of `slug` with extra YAML lines appended to the `lead` procedure's derived attributes. */
export function demoConfigWithDerived(slug: string, lines: readonly string[]): string {
  const text = demoConfigFor(slug);
  const anchor = /^ {4}derivedAttributes:$/m;
  assert.ok(anchor.test(text), 'the demo lead procedure has derived attributes');
  return text.replace(anchor, ['    derivedAttributes:', ...lines.map((l) => `      - ${l}`)].join('\n'));
}

/**
 * A team without the demo's conveniences: `ticket` has no entity and a primary key that is not
 * generated; `complaint` uses the same primary-key shortId, to show keys are unique per procedure.
 */
export function ticketsConfig(slug: string): string {
  return `
team: { slug: ${slug}, name: Tickets of ${slug}, timezone: "+05:30", defaultCountryCode: "91" }
roles:
  - { shortId: admin, name: Admin, type: ADMIN }
procedures:
  - shortId: ticket
    name: Ticket
    primaryKey: ticket_no
    states: [{ shortId: OPEN, name: Open }, { shortId: DONE, name: Done }]
    defaultStartState: OPEN
    attributes:
      - { shortId: ticket_no, name: Ticket no, type: stringId }
      - { shortId: subject, name: Subject, type: string }
  - shortId: complaint
    name: Complaint
    primaryKey: ticket_no
    states: [{ shortId: OPEN, name: Open }]
    defaultStartState: OPEN
    attributes:
      - { shortId: ticket_no, name: Ticket no, type: stringId }
`;
}

/** Uploads a small PNG as a client would (multipart `photo`) and returns the photo's id. */
export async function uploadPhoto(url: string, token: string): Promise<string> {
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(png(2, 2))], { type: 'image/png' }), 'dot.png');
  return dataOf(await call(url, 'POST', '/v1/ext/photo', { token, body: form })).id;
}

/** The `specimen` procedure's attributes: one of each type of CONFIG.md's table, named `a_<type>`. */
export const SPECIMEN_ATTRIBUTES = [
  '{ shortId: a_string, name: S, type: string }',
  '{ shortId: a_name, name: N, type: name }',
  '{ shortId: a_text, name: T, type: text }',
  '{ shortId: a_url, name: U, type: url }',
  '{ shortId: a_html, name: H, type: html }',
  '{ shortId: a_email, name: E, type: email }',
  '{ shortId: a_phone, name: P, type: phone }',
  '{ shortId: a_stringId, name: SI, type: stringId }',
  '{ shortId: a_integerId, name: II, type: integerId }',
  '{ shortId: a_integer, name: I, type: integer }',
  '{ shortId: a_number, name: Nu, type: number }',
  '{ shortId: a_float, name: F, type: float }',
  '{ shortId: a_decimal, name: D, type: decimal }',
  '{ shortId: a_boolean, name: B, type: boolean }',
  '{ shortId: a_stringEnum, name: SE, type: stringEnum, options: [red, green] }',
  '{ shortId: a_integerEnum, name: IE, type: integerEnum, options: [1, 2, 3] }',
  '{ shortId: a_floatEnum, name: FE, type: floatEnum, options: [0.5, 1.5] }',
  '{ shortId: a_multiStringEnum, name: MSE, type: multiStringEnum, options: [red, green, blue] }',
  '{ shortId: a_multiIntegerEnum, name: MIE, type: multiIntegerEnum, options: [1, 2, 3] }',
  '{ shortId: a_multiFloatEnum, name: MFE, type: multiFloatEnum, options: [0.5, 1.5] }',
  '{ shortId: a_multiString, name: MS, type: multiString }',
  '{ shortId: a_date, name: Da, type: date }',
  '{ shortId: a_datetime, name: DT, type: datetime }',
  '{ shortId: a_time, name: Ti, type: time }',
  '{ shortId: a_datetimeISO8601, name: ISO, type: datetimeISO8601 }',
  '{ shortId: a_photo, name: Ph, type: photo }',
  '{ shortId: a_multiPhotos, name: MP, type: multiPhotos }',
  '{ shortId: a_geolocation, name: G, type: geolocation }',
  '{ shortId: a_json, name: J, type: json, schema: { type: object, required: [sku] } }',
  '{ shortId: a_externalObject, name: EO, type: externalObject, schema: { type: object } }',
  '{ shortId: a_customObject, name: CO, type: customObject, schema: { type: array, items: { type: integer } } }',
  '{ shortId: a_freeJson, name: FJ, type: json }',
  '{ shortId: a_user, name: Us, type: user }',
  '{ shortId: a_process, name: Pr, type: process }',
  '{ shortId: a_record, name: Re, type: record }',
  '{ shortId: a_task, name: Ta, type: task }',
  '{ shortId: a_processCollection, name: PC, type: processCollection }',
  '{ shortId: a_recordCollection, name: RC, type: recordCollection }',
  '{ shortId: a_taskCollection, name: TC, type: taskCollection }',
];

/** The demo config of `slug` plus `specimen`, a procedure with an attribute of every type and no primary key. */
export function specimenConfig(slug: string): string {
  const block = [
    '  - shortId: specimen',
    '    name: Specimen',
    '    states: [{ shortId: NEW, name: New }]',
    '    defaultStartState: NEW',
    '    attributes:',
    ...SPECIMEN_ATTRIBUTES.map((a) => `      - ${a}`),
  ];
  return `${demoConfigFor(slug).trimEnd()}\n${block.join('\n')}\n`;
}
