import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, dataOf, uploadPhoto } from '../../support/processes.ts';
import { png } from '../../fixtures/images/images.ts';
import { drain } from '../bulk/bulk-support.ts';

/**
 * Walks every route of the server's own OpenAPI document and sends each parameter, query value
 * and body field a short list of hostile values, one at a time. Whatever the answer, it must not
 * be a 5xx, every error must be the envelope of API.md §0 (with the request id of the header),
 * and no success may carry errors. Failures are collected, so one run lists all of them.
 */

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

type Labelled = readonly [label: string, value: string];

const long = (n: number) => 'x'.repeat(n);

/** Path segments, already percent-encoded as they go on the wire. */
const PATH_VALUES: readonly Labelled[] = [
  ['1e300', '1e300'],
  ['99999999999999999999', '99999999999999999999'],
  ['-1', '-1'],
  ['2147483648', '2147483648'],
  ['9007199254740991', '9007199254740991'],
  ['NaN', 'NaN'],
  ['Infinity', 'Infinity'],
  ['%00', '%00'],
  ['a%00b', 'a%00b'],
  ['%ff', '%ff'],
  ['%c0%80', '%c0%80'],
  ['%ed%a0%80 (surrogate)', '%ed%a0%80'],
  ['500-char string', long(500)],
  ['3000-char string', long(3000)],
  ['object', encodeURIComponent('{"a":1}')],
  ['array', encodeURIComponent('[]')],
  ['encoded slash', 'a%2Fb'],
  ['quotes and SQL', encodeURIComponent(`'"; drop table x; --`)],
  ['emoji', encodeURIComponent('😀')],
];

/** Query-string values (already encoded); `&` forms repeat the parameter or nest it. */
const QUERY_VALUES: readonly Labelled[] = [
  ...PATH_VALUES.filter(([label]) => label !== '500-char string' && label !== 'encoded slash'),
  ['empty', ''],
  ['-99999999999999999999', '-99999999999999999999'],
  ['1.5', '1.5'],
];

/** Replacement values for one body field, as raw JSON text. */
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const BODY_VALUES: readonly Labelled[] = [
  ['1e300', '1e300'],
  ['99999999999999999999', '99999999999999999999'],
  ['-1', '-1'],
  ['2147483648', '2147483648'],
  ['9007199254740991', '9007199254740991'],
  ['-9007199254740991', '-9007199254740991'],
  ['0.5', '0.5'],
  ['"NaN"', '"NaN"'],
  ['"Infinity"', '"Infinity"'],
  ['"1e300"', '"1e300"'],
  ['"99999999999999999999"', '"99999999999999999999"'],
  ['"+275760-09-13T00:00:00Z"', '"+275760-09-13T00:00:00Z"'],
  ['"2024-13-45T25:61:61Z"', '"2024-13-45T25:61:61Z"'],
  ['NUL in string', '"a\\u0000b"'],
  ['lone surrogate', '"\\ud800"'],
  ['3000-char string', JSON.stringify(long(3000))],
  ['70000-char string', JSON.stringify(long(70_000))],
  ['object', '{"a":1}'],
  ['array', '["a"]'],
  ['empty array', '[]'],
  ['string', '"hostile"'],
  ['empty string', '""'],
  ['true', 'true'],
  ['null', 'null'],
  ['60-level nesting', nestedObjects(60)],
  ['70-level nesting', nestedArrays(70)],
];

/** Whole JSON bodies, as raw text (also sent to routes that take no body). */
const ROOT_BODIES: readonly Labelled[] = [
  ['malformed: truncated', '{"a":'],
  ['malformed: trailing brace', '{"a":1}}'],
  ['malformed: single quotes', "{'a':1}"],
  ['malformed: trailing comma', '[1,]'],
  ['malformed: NaN', 'NaN'],
  ['malformed: raw NUL in a string', '{"a":"x\u0000y"}'],
  ['malformed: raw newline in a string', '{"a":"x\ny"}'],
  ['byte order mark', '\ufeff{}'],
  ['empty body', ''],
  ['whitespace body', '   '],
  ['null', 'null'],
  ['string', '"hostile"'],
  ['number', '1e300'],
  ['true', 'true'],
  ['array where object', '[]'],
  ['array of junk', '[1,"a",null,{}]'],
  ['empty object', '{}'],
  ['NUL key', '{"\\u0000":1}'],
  ['lone surrogate key', '{"\\udc00":1}'],
  ['__proto__', '{"__proto__":{"polluted":true}}'],
  ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
  ['70-level arrays', nestedArrays(70)],
  ['70-level objects', nestedObjects(70)],
  ['100,000-level arrays', nestedArrays(100_000)],
  ['100,000-level objects', nestedObjects(100_000)],
];

// ---------------------------------------------------------------------------------------------
// The OpenAPI document
// ---------------------------------------------------------------------------------------------

interface Param {
  readonly name: string;
  readonly in: 'path' | 'query' | string;
  readonly schema?: any;
}

interface Operation {
  readonly method: string;
  /** The path as the document writes it, `{name}` for parameters. */
  readonly template: string;
  readonly pathParams: readonly Param[];
  readonly queryParams: readonly Param[];
  /** Content types of the request body ([] when the route takes none). */
  readonly bodyTypes: readonly string[];
  readonly bodySchema: any;
  /** The operation says `security: []`: it answers without a token. */
  readonly isPublic: boolean;
  readonly key: string;
}

function operationsOf(doc: any): Operation[] {
  const out: Operation[] = [];
  for (const [template, item] of Object.entries<any>(doc.paths ?? {})) {
    if (template === '/openapi.json' || template === '/docs' || template.startsWith('/docs/')) continue;
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
      const params: Param[] = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      const content = op.requestBody?.content ?? {};
      const bodyTypes = Object.keys(content);
      const upper = method.toUpperCase();
      out.push({
        method: upper,
        template,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        bodyTypes,
        bodySchema: bodyTypes.length > 0 ? content[bodyTypes[0]].schema : undefined,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        key: `${upper} ${template}`,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Probes: one request each
// ---------------------------------------------------------------------------------------------

interface Probe {
  readonly op: Operation;
  readonly method: string;
  /** Path and query, encoded. */
  readonly target: string;
  /** What is hostile about it, for the failure list. */
  readonly label: string;
  readonly body?: string | Uint8Array | FormData;
  readonly contentType?: string;
  /** undefined: no Authorization header. */
  readonly token: string | undefined;
  readonly tokenName: string;
  /** Without a token this route must answer 401. */
  readonly expect401?: boolean;
}

interface Outcome {
  readonly probe: Probe;
  readonly requestId: string;
  readonly status: number;
  readonly problems: readonly string[];
  readonly excerpt: string;
}

const excerptOf = (text: string, max = 300) => {
  const squeezed = text.replace(/(.)\1{40,}/g, (run, c: string) => `${c}…(${run.length}×)`);
  return squeezed.length > max ? `${squeezed.slice(0, max)}…` : squeezed;
};

/** The checks of every answer: no 5xx, errors are the envelope, successes carry no errors. */
function problemsOf(status: number, headers: Headers, text: string, probe: Probe): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`a ${status}`);
  const isJson = (headers.get('content-type') ?? '').includes('json');
  let body: any;
  if (isJson && text) {
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('the answer is not valid JSON');
    }
  }
  if (status < 200 || status >= 300) {
    if (!isJson) problems.push(`the error is not JSON (content-type ${headers.get('content-type')})`);
    else if (body === null || typeof body !== 'object') problems.push('the error is not an object');
    else {
      if (!Array.isArray(body._data) || body._data.length !== 0) problems.push('_data is not []');
      if (typeof body._meta?.code !== 'string') problems.push('_meta.code is not a string');
      const header = headers.get('x-request-id');
      if (typeof body._meta?.requestId !== 'string') problems.push('_meta.requestId is not a string');
      else if (body._meta.requestId !== header) problems.push(`_meta.requestId ${body._meta.requestId} differs from the x-request-id header ${header}`);
      const errors = body._errors;
      if (!Array.isArray(errors) || errors.length === 0 || errors.some((e: unknown) => typeof e !== 'string')) {
        problems.push('_errors is not a non-empty array of strings');
      }
    }
  } else if (body !== undefined && body !== null && body._errors !== undefined && !(Array.isArray(body._errors) && body._errors.length === 0)) {
    problems.push('a success carries _errors');
  }
  if (probe.expect401 && status !== 401) problems.push(`expected 401 without a token, got ${status}`);
  return problems;
}

let sequence = 0;

async function send(baseUrl: string, probe: Probe): Promise<Outcome> {
  const requestId = `hostile-${++sequence}`;
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (probe.token !== undefined) headers.authorization = `Bearer ${probe.token}`;
  if (probe.contentType !== undefined) headers['content-type'] = probe.contentType;
  try {
    const response = await fetch(baseUrl + probe.target, { method: probe.method, headers, body: probe.body, redirect: 'manual' });
    const text = await response.text();
    return { probe, requestId, status: response.status, problems: problemsOf(response.status, response.headers, text, probe), excerpt: excerptOf(text) };
  } catch (error: unknown) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause ? `${cause.code ?? ''} ${cause.message ?? ''}`.trim() : String(error);
    return { probe, requestId, status: 0, problems: [`no answer: ${why}`], excerpt: '' };
  }
}

/** Sends the probes a few at a time; returns every outcome. */
async function sendAll(baseUrl: string, probes: readonly Probe[], concurrency = 8): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) outcomes.push(await send(baseUrl, probes[next++]));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

// ---------------------------------------------------------------------------------------------
// Bodies: a valid-looking base, then one place at a time replaced
// ---------------------------------------------------------------------------------------------

type Path = readonly (string | number)[];
const SENTINEL = '__hostile_value_goes_here__';

function setAt(base: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(base) as any;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
  return copy;
}

/** The body text of `base` with the value at `path` replaced by raw JSON `text`. */
function bodyWith(base: unknown, path: Path, text: string): string {
  return JSON.stringify(setAt(base, path, SENTINEL)).replace(JSON.stringify(SENTINEL), () => text);
}

/** Every place in `value` (objects, arrays and leaves, not the root). */
function placesOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const out: Path[] = [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    out.push([...prefix, key]);
    out.push(...placesOf(child, [...prefix, key]));
  }
  return out;
}

/** Every object in `value` (the root included), where an unknown field can go. */
function objectsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const own = Array.isArray(value) ? [] : [prefix];
  return [...own, ...entries.flatMap(([key, child]) => objectsOf(child, [...prefix, key]))];
}

/** A value of the shape a schema describes (for routes without a base body below). */
function sampleOf(schema: any): unknown {
  if (!schema || typeof schema !== 'object') return 'sample';
  if (Array.isArray(schema.anyOf)) return sampleOf(schema.anyOf.find((s: any) => s.type !== 'null') ?? schema.anyOf[0]);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries<any>(schema.properties ?? {}).map(([k, s]) => [k, sampleOf(s)]));
    case 'array':
      return schema.items && Object.keys(schema.items).length > 0 ? [sampleOf(schema.items)] : [];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'sample';
  }
}

/** Properties the schema names at the root that the base leaves out. */
function missingProperties(schema: any, base: unknown): string[] {
  if (!schema?.properties || base === null || typeof base !== 'object' || Array.isArray(base)) return [];
  return Object.keys(schema.properties).filter((key) => !(key in (base as object)));
}

// ---------------------------------------------------------------------------------------------
// Multipart
// ---------------------------------------------------------------------------------------------

interface RawPart {
  readonly disposition: string;
  readonly type?: string;
  readonly content: Uint8Array | string;
}

/** A multipart body written by hand, for what FormData would not send (raw bytes, odd headers). */
function rawMultipart(parts: readonly RawPart[]): { body: Uint8Array; contentType: string } {
  const boundary = `----hostile${randomUUID().replaceAll('-', '')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = [`--${boundary}`, `Content-Disposition: ${part.disposition}`, ...(part.type ? [`Content-Type: ${part.type}`] : [])];
    chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(part.content as never), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(chunks)), contentType: `multipart/form-data; boundary=${boundary}` };
}

function form(file: Uint8Array | null, fileName: string, fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  if (file !== null) data.append('photo', new Blob([new Uint8Array(file)], { type: 'image/png' }), fileName);
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

// ---------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------

/** At most this many requests per route for its JSON body fields (root bodies are always sent). */
const MAX_BODY_PROBES_PER_ROUTE = 160;
const MAX_BULK_PROBES_PER_ROUTE = 60;

describe('HTTP kit: hostile inputs on every route of the OpenAPI document', () => {
  let server: TestServer;
  let team: SeededTeam;
  let operations: Operation[];
  const fx = {
    processId: '',
    leadId: '',
    victimIds: [] as string[],
    victimLeadIds: [] as string[],
    bulkTargetId: '',
    taskId: '',
    photoId: '',
    jobId: '',
    downloadQuery: {} as Record<string, string>,
  };
  const totals = { requests: 0, ms: 0 };
  const failedRequestIds = new Set<string>();

  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'hostile');
    const admin = client(server.url, team.tokens.admin);
    fx.photoId = await uploadPhoto(server.url, team.tokens.admin);
    const main = await createProcess(admin, LEAD, { data: { first_name: 'Ted', score: 3, city: 'Pune', photo: fx.photoId }, assignedTo: 'john' });
    fx.processId = main.id;
    fx.leadId = main.data.lead_id;
    for (let i = 0; i < 2; i++) {
      const victim = await createProcess(admin, LEAD, { data: { first_name: `Victim ${i}` }, assignedTo: 'john' });
      fx.victimIds.push(victim.id);
      fx.victimLeadIds.push(victim.data.lead_id);
    }
    fx.bulkTargetId = (await createProcess(admin, LEAD, { data: { first_name: 'Bulk target' } })).id;
    fx.taskId = dataOf(await admin.post(`/v1/ext/p/lead/${fx.processId}/task/call`, { title: 'Call Ted' })).id;
    fx.jobId = dataOf(await admin.post(`${LEAD}/bulk-create`, { processes: [{ data: { first_name: 'Queued' } }] })).id;
    const signed = new URL(dataOf(await admin.get(`/v1/ext/photo/${fx.photoId}`)).url);
    fx.downloadQuery = Object.fromEntries(signed.searchParams);
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    operations = operationsOf(doc);
    assert.ok(operations.length >= 30, `the document lists ${operations.length} operations`);
  });

  after(async () => {
    process.stderr.write(`hostile inputs: ${totals.requests} requests in ${(totals.ms / 1000).toFixed(1)} s\n`);
    await server?.close();
  });

  // -- defaults -------------------------------------------------------------------------------

  /** A valid-looking value for each path parameter, so that one hostile value at a time gets far. */
  function defaultPathValue(op: Operation, name: string, forDelete: boolean): string {
    switch (name) {
      case 'procedureShortId':
        return 'lead';
      case 'processId':
      case 'processIdOrPrimaryKey':
        return forDelete ? fx.victimIds[0] : fx.processId;
      case 'primaryKeyShortId':
        return 'lead_id';
      case 'primaryKeyValue':
        return forDelete ? fx.victimLeadIds[1] : fx.leadId;
      case 'stateTaskShortId':
        return 'call';
      case 'taskId':
        return fx.taskId;
      case 'userId':
        return team.userIds.ravi;
      case 'photoId':
        // Uploading to a new id inserts a row; the others read the fixture photo.
        return op.method === 'POST' ? randomUUID() : fx.photoId;
      case 'backgroundJobId':
        return fx.jobId;
      default:
        return /id$/i.test(name) ? randomUUID() : 'sample';
    }
  }

  function defaultQuery(op: Operation): Record<string, string> {
    return op.template.endsWith('/download') ? { ...fx.downloadQuery } : {};
  }

  function targetOf(op: Operation, path: Record<string, string>, query: Record<string, string> | string): string {
    const filled = op.template.replace(/\{(\w+)\}/g, (_, name: string) => path[name]);
    const search = typeof query === 'string' ? query : Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return search ? `${filled}?${search}` : filled;
  }

  /** DELETE routes name processes kept for deletion, so the fixtures stay for the other routes. */
  function defaultsOf(op: Operation, forDelete = op.method === 'DELETE'): Record<string, string> {
    return Object.fromEntries(op.pathParams.map((p) => [p.name, defaultPathValue(op, p.name, forDelete)]));
  }

  const future = 1_900_000_000_000;

  /** A valid-looking body per route; routes not listed get one built from their schema. */
  function baseBody(op: Operation): { base: unknown; extra: Path[] } {
    const processFields = { status: 'OPEN', nextActionAt: future, assignedTo: 'john' };
    const taskBody = {
      data: { call_disposition: 'RNR', next_call_time: future, remarks: 'Call back later' },
      status: 'OPEN', assignedTo: 'john', title: 'Call', description: 'Follow up', dueBy: future, startsAt: future, endsAt: future + 3_600_000,
    };
    switch (op.key) {
      case 'POST /v1/ext/procedure/{procedureShortId}/process':
        return {
          base: {
            data: { first_name: 'Hostile', last_name: 'Input', phone_number: '+919812345678', score: 7, city: 'Pune', photo: fx.photoId },
            state: 'NEW', ...processFields,
            record: { data: { phone_number: '+919812345678', email: 'hostile@example.com' } },
          },
          extra: [['lead_id'], ['data', 'lead_id'], ['data', 'full_name']],
        };
      case 'PUT /v1/ext/procedure/{procedureShortId}/process/{processId}':
      case 'PUT /v1/ext/procedure/{procedureShortId}/process/{primaryKeyShortId}/{primaryKeyValue}':
        return {
          base: { data: { first_name: 'Ted', last_name: 'Input', phone_number: '+919812345678', score: 7, city: 'Goa', photo: fx.photoId }, state: 'IN_PROGRESS', ...processFields },
          extra: [],
        };
      case 'POST /v1/ext/procedure/{procedureShortId}/process/list':
        return {
          base: {
            where: {
              status: 'OPEN', state: ['NEW', 'IN_PROGRESS'], score: { '>=': 1, '<': 100 }, city: 'Pune', createdAt: { '>': 0 },
              assignedTo: 'john', first_name: { '!=': 'Nobody' }, or: [{ last_name: 'Input' }, { id: fx.processId }, { nextActionAt: null }],
            },
            skip: 0, limit: 10, sort: [{ field: 'score', order: 'desc' }], includeTotal: true,
          },
          extra: [],
        };
      case 'POST /v1/ext/procedure/{procedureShortId}/process/bulk-create':
        return {
          base: { processes: [{ data: { first_name: 'Bulk', score: 1, city: 'Delhi', phone_number: '+919812345670' }, state: 'NEW', ...processFields }] },
          extra: [['processes', 0, 'data', 'lead_id']],
        };
      case 'PATCH /v1/ext/procedure/{procedureShortId}/process':
        return {
          base: { processes: [{ id: fx.bulkTargetId, data: { score: 2, city: 'Goa' }, state: 'IN_PROGRESS', ...processFields }] },
          extra: [['processes', 0, 'lead_id'], ['processes', 0, 'update'], ['processes', 0, 'isDeleted']],
        };
      case 'POST /v1/ext/p/{procedureShortId}/{processIdOrPrimaryKey}/task/{stateTaskShortId}':
      case 'PUT /v1/ext/task/{taskId}':
        return { base: taskBody, extra: [] };
      case 'PUT /v1/ext/user/{userId}':
      case 'PATCH /v1/ext/user/{userId}':
      case 'POST /v1/ext/user/{userId}':
        return {
          base: {
            firstName: 'Ravi', lastName: 'Kumar', middleName: 'K', displayName: 'Ravi K', gender: 'male', dob: 631_152_000_000, bio: 'Sales',
            timezone: '+05:30', availabilityStatus: 'AVAILABLE', isActive: true, data: { note: 'x' }, role: 'sales_manager', pods: ['north'],
            primaryPhone: '+91 99001 12234', profileImageUrl: 'https://example.com/ravi.png',
          },
          extra: [],
        };
      default:
        return { base: sampleOf(op.bodySchema), extra: [] };
    }
  }

  const admin = () => ({ token: team.tokens.admin, tokenName: 'ADMIN' });

  // -- probe builders -------------------------------------------------------------------------

  /** The body a probe of path or query values sends along (so only the one value is hostile). */
  function companionBody(op: Operation): Pick<Probe, 'body' | 'contentType'> {
    if (op.bodyTypes.includes('application/json')) return { body: JSON.stringify(baseBody(op).base), contentType: 'application/json' };
    if (op.bodyTypes.includes('multipart/form-data')) return { body: form(png(3, 2, 7), 'dot.png') };
    return {};
  }

  function pathProbes(op: Operation): Probe[] {
    const probes: Probe[] = [];
    for (const param of op.pathParams) {
      for (const [label, value] of PATH_VALUES) {
        const path = { ...defaultsOf(op), [param.name]: value };
        probes.push({ op, method: op.method, target: targetOf(op, path, defaultQuery(op)), label: `path ${param.name} = ${label}`, ...companionBody(op), ...admin() });
      }
    }
    return probes;
  }

  function queryProbes(op: Operation): Probe[] {
    const probes: Probe[] = [];
    const path = defaultsOf(op);
    const base = defaultQuery(op);
    const encoded = (query: Record<string, string>) => Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${v}`);
    const plain = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, encodeURIComponent(v)]));
    const add = (label: string, search: string) =>
      probes.push({ op, method: op.method, target: targetOf(op, path, search), label, ...companionBody(op), ...admin() });
    for (const param of op.queryParams) {
      for (const [label, value] of QUERY_VALUES) add(`query ${param.name} = ${label}`, encoded({ ...plain, [param.name]: value }).join('&'));
      const others = encoded(Object.fromEntries(Object.entries(plain).filter(([k]) => k !== param.name)));
      add(`query ${param.name} repeated`, [...others, `${param.name}=1`, `${param.name}=2`].join('&'));
      add(`query ${param.name}[a] (object form)`, [...others, `${param.name}%5Ba%5D=1`].join('&'));
      add(`query ${param.name}[] (array form)`, [...others, `${param.name}%5B%5D=1`].join('&'));
      add(`query ${param.name} without a value`, [...others, param.name].join('&'));
    }
    add('unknown query parameter', [...encoded(plain), 'unknownParam=1e300'].join('&'));
    add('unknown query parameter with a NUL', [...encoded(plain), 'unknownParam=%00x'].join('&'));
    return probes;
  }

  function jsonBodyProbes(op: Operation, walkedSchemas: Set<string>): Probe[] {
    const target = targetOf(op, defaultsOf(op), defaultQuery(op));
    const json = (label: string, body: string | Uint8Array, contentType = 'application/json'): Probe =>
      ({ op, method: op.method, target, label, body, contentType, ...admin() });
    const rootProbes = ROOT_BODIES.map(([label, text]) => json(`body ${label}`, text));
    if (!op.bodyTypes.includes('application/json')) return rootProbes;

    const { base, extra } = baseBody(op);
    const places = [...placesOf(base), ...extra, ...missingProperties(op.bodySchema, base).map((key) => [key])];
    // A body schema already walked on another method of the same route: a sample of its fields.
    const schemaKey = `${op.template} ${JSON.stringify(op.bodySchema)}`;
    const seen = walkedSchemas.has(schemaKey);
    walkedSchemas.add(schemaKey);
    // Each accepted bulk request is a job to run: fewer of those.
    const limit = seen ? 40 : Array.isArray(op.bodySchema?.anyOf) ? MAX_BULK_PROBES_PER_ROUTE : MAX_BODY_PROBES_PER_ROUTE;
    // Over the limit, every step-th value, starting one further at each place, so that all values are sent somewhere.
    const step = Math.max(1, Math.ceil((places.length * BODY_VALUES.length) / limit));
    const fieldProbes: Probe[] = [];
    places.forEach((place, p) => {
      BODY_VALUES.forEach(([label, text], v) => {
        if ((p + v) % step === 0) fieldProbes.push(json(`body ${pathLabel(place)} = ${label}`, bodyWith(base, place, text)));
      });
    });
    for (const place of objectsOf(base)) fieldProbes.push(json(`body ${pathLabel([...place, 'unknownField'])} (unknown field)`, bodyWith(base, [...place, 'unknownField'], '"x"')));
    const baseText = JSON.stringify(base);
    rootProbes.push(
      json('body as base (valid-looking)', baseText),
      json('body as text/plain', baseText, 'text/plain'),
      json('body as application/json; charset=utf-16', baseText, 'application/json; charset=utf-16'),
      json('body as application/x-www-form-urlencoded', 'a=1&b=%00', 'application/x-www-form-urlencoded'),
    );
    // Invalid UTF-8 (a CESU-style surrogate) in the first string of the body.
    const firstString = placesOf(base).find((place) => typeof place.reduce((node: any, key) => node?.[key], base) === 'string');
    if (firstString) {
      const [before, after] = bodyWith(base, firstString, SENTINEL).split(SENTINEL);
      const bytes = Buffer.concat([Buffer.from(`${before}"a`), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from(`b"${after}`)]);
      rootProbes.push(json(`body ${pathLabel(firstString)} = invalid UTF-8 bytes`, new Uint8Array(bytes)));
    }
    return [...rootProbes, ...fieldProbes];
  }

  function multipartProbes(op: Operation): Probe[] {
    const probes: Probe[] = [];
    const fresh = () => targetOf(op, { ...defaultsOf(op), ...(op.pathParams.some((p) => p.name === 'photoId') ? { photoId: randomUUID() } : {}) }, {});
    const add = (label: string, body: FormData | { body: Uint8Array; contentType: string } | string, contentType?: string) => {
      const parts = body instanceof FormData || typeof body === 'string' ? { body, contentType } : body;
      probes.push({ op, method: op.method, target: fresh(), label: `multipart ${label}`, ...parts, ...admin() });
    };
    const image = (seed: number) => png(2, 3, seed);
    let seed = 10;
    add('NUL in field filename', form(image(seed++), 'dot.png', { filename: 'a\u0000b.png' }));
    add('NUL in field filetype', form(image(seed++), 'dot.png', { filetype: 'png\u0000' }));
    add('NUL in the file name of the part', form(image(seed++), 'a\u0000b.png'));
    add('only NUL in the file name of the part', form(image(seed++), '\u0000'));
    add('3000-char field filename', form(image(seed++), 'dot.png', { filename: long(3000) }));
    add('70000-char field filename', form(image(seed++), 'dot.png', { filename: long(70_000) }));
    add('3000-char file name of the part', form(image(seed++), `${long(3000)}.png`));
    add('garbage file', form(new Uint8Array(Buffer.from('this is not an image \u0000\u0001\u0002')), 'junk.png'));
    add('empty file', form(new Uint8Array(0), 'empty.png'));
    add('truncated PNG', form(image(seed++).subarray(0, 30), 'cut.png'));
    add('no file, fields only', form(null, '', { filename: 'x' }));
    add('unknown field', form(image(seed++), 'dot.png', { unknownField: '\u0000' }));
    add('photo as a text field', form(null, '', { photo: 'not a file' }));
    add('empty form', new FormData());
    const raw = (label: string, parts: RawPart[]) => add(label, rawMultipart(parts));
    const photoPart = (disposition: string): RawPart => ({ disposition, type: 'image/png', content: image(seed++) });
    raw('invalid UTF-8 in field filename', [photoPart('form-data; name="photo"; filename="dot.png"'), { disposition: 'form-data; name="filename"', content: Buffer.from([0x61, 0xed, 0xa0, 0x80, 0xff, 0x62]) }]);
    raw('raw NUL byte in field filename', [photoPart('form-data; name="photo"; filename="dot.png"'), { disposition: 'form-data; name="filename"', content: 'a\u0000b' }]);
    raw('NUL in filename* (RFC 5987)', [photoPart(`form-data; name="photo"; filename*=UTF-8''a%00b.png`)]);
    raw('surrogate bytes in filename* (RFC 5987)', [photoPart(`form-data; name="photo"; filename*=UTF-8''a%ed%a0%80b.png`)]);
    raw('JSON-typed field filename with a NUL escape', [photoPart('form-data; name="photo"; filename="dot.png"'), { disposition: 'form-data; name="filename"', type: 'application/json', content: '"a\\u0000b"' }]);
    raw('JSON-typed field filename with a lone surrogate', [photoPart('form-data; name="photo"; filename="dot.png"'), { disposition: 'form-data; name="filename"', type: 'application/json', content: '"\\ud800"' }]);
    raw('JSON-typed field filename, malformed', [photoPart('form-data; name="photo"; filename="dot.png"'), { disposition: 'form-data; name="filename"', type: 'application/json', content: '{"a":' }]);
    raw('JSON-typed field filename, 70 levels deep', [photoPart('form-data; name="photo"; filename="dot.png"'), { disposition: 'form-data; name="filename"', type: 'application/json', content: nestedArrays(70) }]);
    raw('two photos', [photoPart('form-data; name="photo"; filename="a.png"'), photoPart('form-data; name="photo"; filename="b.png"')]);
    raw('a part without a name', [photoPart('form-data; filename="a.png"')]);
    add('multipart without a boundary', 'whatever', 'multipart/form-data');
    add('multipart with a boundary that never comes', 'no parts here at all', 'multipart/form-data; boundary=nothing');
    add('multipart cut off in a part', '--b\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n\u0089PNG', 'multipart/form-data; boundary=b');
    add('empty multipart body', '', 'multipart/form-data; boundary=b');
    add('JSON instead of multipart', '{"photo":"x"}', 'application/json');
    return probes;
  }

  const pathLabel = (path: Path) => (path.length === 0 ? '$' : '$' + path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join(''));

  // -- running and reporting ------------------------------------------------------------------

  /** Error and fatal log lines of the request `requestId`, shortened. */
  function serverErrorsOf(requestId: string): string[] {
    return server
      .logLines()
      .filter((line) => line.includes(`"${requestId}"`) && /"level":(50|60)/.test(line))
      .map((line) => {
        try {
          const entry = JSON.parse(line);
          const stack = String(entry.err?.stack ?? entry.err?.message ?? '').split('\n').slice(0, 4).join(' | ');
          return `${entry.msg}: ${excerptOf(stack, 500)}`;
        } catch {
          return excerptOf(line, 500);
        }
      });
  }

  async function run(t: TestContext, probes: readonly Probe[]): Promise<string[]> {
    const started = performance.now();
    const outcomes = await sendAll(server.url, probes);
    const ms = performance.now() - started;
    totals.requests += probes.length;
    totals.ms += ms;
    const statuses = new Map<number, number>();
    for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
    t.diagnostic(`${probes.length} requests in ${(ms / 1000).toFixed(1)} s (${histogram})`);
    const found = outcomes
      .filter((o) => o.problems.length > 0)
      .map((o) => {
        failedRequestIds.add(o.requestId);
        const p = o.probe;
        const logged = serverErrorsOf(o.requestId);
        return [
          `${p.method} ${excerptOf(p.op.template, 100)} [${p.tokenName}] ${p.label}`,
          `    sent: ${excerptOf(`${p.method} ${p.target}`, 200)}`,
          `    got ${o.status}: ${o.problems.join('; ')}; body: ${o.excerpt}`,
          ...logged.map((line) => `    log: ${line}`),
        ].join('\n');
      });
    return found;
  }

  const report = (found: readonly string[]) => assert.ok(found.length === 0, `${found.length} hostile inputs were answered badly:\n\n${found.join('\n\n')}\n`);

  it('path parameters: huge numbers, NUL, bad UTF-8, long strings, objects', async (t) => {
    report(await run(t, operations.flatMap((op) => pathProbes(op))));
  });

  it('query parameters: the same values, repeated, nested and unknown', async (t) => {
    report(await run(t, operations.flatMap((op) => queryProbes(op))));
  });

  it('JSON bodies: each field replaced, malformed and deep bodies, also where no body is expected', async (t) => {
    const walked = new Set<string>();
    const probes = operations
      .filter((op) => op.method !== 'GET')
      .flatMap((op) => (op.bodyTypes.length === 0 || op.bodyTypes.includes('application/json') ? jsonBodyProbes(op, walked) : []));
    const seen = new Set<string>();
    const unique = probes.filter((p) => {
      const key = `${p.method} ${p.target} ${p.contentType} ${typeof p.body === 'string' ? p.body : p.label}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    report(await run(t, unique));
  });

  it('multipart bodies: NUL and long names, garbage files, malformed forms', async (t) => {
    const multipart = operations.filter((op) => op.bodyTypes.includes('multipart/form-data'));
    assert.ok(multipart.length > 0, 'the document lists a multipart route');
    report(await run(t, multipart.flatMap((op) => multipartProbes(op))));
  });

  it('a USER token and no token: the defaults and one hostile value per route', async (t) => {
    const probes: Probe[] = [];
    for (const op of operations) {
      const path = defaultsOf(op, true);
      const target = targetOf(op, path, defaultQuery(op));
      const body = companionBody(op);
      const firstParam = op.pathParams[0]?.name;
      const hostile = firstParam
        ? { target: targetOf(op, { ...path, [firstParam]: 'a%00b' }, defaultQuery(op)), label: `path ${firstParam} = a%00b`, ...body }
        : op.method === 'GET'
          ? { target: targetOf(op, path, 'unknownParam=%00&limit=1e300'), label: 'query with NUL and 1e300' }
          : { target, label: 'body malformed: truncated', body: '{"a":', contentType: 'application/json' };
      for (const [token, tokenName] of [[team.tokens.user, 'USER'], [undefined, 'no token']] as const) {
        probes.push({ op, method: op.method, target, label: 'defaults', ...body, token, tokenName, expect401: token === undefined && !op.isPublic });
        probes.push({ op, method: op.method, ...hostile, token, tokenName });
      }
    }
    report(await run(t, probes));
  });

  it('the server logged no other errors, also while running the bulk jobs the walk queued', async () => {
    await drain(server.runtime, 1000);
    const errors = server
      .logLines()
      .filter((line) => /"level":(40|50|60)/.test(line))
      .filter((line) => ![...failedRequestIds].some((id) => line.includes(`"${id}"`)))
      .map((line) => excerptOf(line, 600));
    assert.ok(errors.length === 0, `the server logged errors:\n${errors.join('\n')}`);
  });
});
