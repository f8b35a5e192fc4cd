import assert from 'node:assert/strict';
import YAML from 'yaml';
import { demoConfigFor, seedTeam, type SeededTeam } from './factories.ts';
import { client } from './http.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/**
 * A team for List Processes tests: the demo team plus two more agents (meera reports to john,
 * zoe to nobody) and a procedure `deal` with an attribute of every comparable type. Deals are
 * created one by one on a hand-moved clock, so every createdAt is known, and the final process
 * objects are kept: tests compute the expected result of a query from them.
 */

/** 2024-06-01T12:00:00+05:30: the instant datetime values are placed around. */
export const NOON_IST = Date.UTC(2024, 5, 1, 6, 30);
export const HOUR = 3_600_000;
/** When the first deal is created; each later one one minute after the previous. */
export const START = Date.UTC(2024, 0, 1, 0, 0);

const DEAL = {
  shortId: 'deal', name: 'Deal', primaryKey: 'code', primaryIdentifier: 'label',
  defaultStartState: 'NEW', defaultCompletedState: 'WON',
  states: ['NEW', 'WORKING', 'WON', 'LOST'].map((shortId) => ({ shortId, name: shortId })),
  attributes: [
    { shortId: 'code', name: 'Code', type: 'stringId', required: true },
    { shortId: 'qty', name: 'Quantity', type: 'integer' },
    { shortId: 'price', name: 'Price', type: 'float' },
    { shortId: 'label', name: 'Label', type: 'string' },
    { shortId: 'tier', name: 'Tier', type: 'stringEnum', options: ['gold', 'silver', 'bronze'] },
    { shortId: 'active', name: 'Active', type: 'boolean' },
    { shortId: 'due_at', name: 'Due at', type: 'datetime' },
    { shortId: 'born', name: 'Born', type: 'date' },
    { shortId: 'slot', name: 'Slot', type: 'time' },
    { shortId: 'phone', name: 'Phone', type: 'phone' },
    { shortId: 'email', name: 'Email', type: 'email' },
    { shortId: 'tags', name: 'Tags', type: 'multiStringEnum', options: ['red', 'green', 'blue'] },
    { shortId: 'owner', name: 'Owner', type: 'user' },
    { shortId: 'notes', name: 'Notes', type: 'json' },
  ],
  derivedAttributes: [
    { shortId: 'qty_double', name: 'Double quantity', type: 'integer', expression: 'data.qty * 2' },
    { shortId: 'label_upper', name: 'Label in capitals', type: 'string', expression: '$uppercase(data.label)' },
  ],
};

/** The demo config of `slug` with the extra agents and the `deal` procedure. */
export function listTeamConfig(slug: string): string {
  const doc = YAML.parse(demoConfigFor(slug));
  doc.users.push(
    { username: 'meera', firstName: 'Meera', email: 'meera@demo.example', role: 'inside_sales', manager: 'john' },
    { username: 'zoe', firstName: 'Zoe', email: 'zoe@demo.example', role: 'inside_sales' },
  );
  doc.procedures.push(DEAL);
  return YAML.stringify(doc);
}

export type Actor = 'admin' | 'manager' | 'john' | 'meera' | 'zoe';

/** Labels that must come back as data and never act as SQL or as LIKE patterns. */
export const SPECIAL_LABELS = [
  "O'Hare", 'back\\slash', '100%', '1000', '%', 'a_b', 'axb', '_',
  "'; drop table processes; --", '" or 1=1 --', "Robert'); DROP TABLE processes;--", 'ünïcødé ✓ 日本 😀',
];

const pickFrom = <T>(list: readonly T[], n: number): T => list[n % list.length];

/** The body of generated deal number i: each attribute cycles with its own period, some absent. */
function dealBody(i: number, johnId: string): Record<string, unknown> {
  const data: Record<string, unknown> = {
    code: `D-${String(i).padStart(2, '0')}`,
    qty: pickFrom([9, 10, 100, -5, 0, undefined, '2'], i),
    price: pickFrom([9.5, 10.25, undefined, 100, -1.5, '0.1'], i),
    label: pickFrom(['apple', 'Banana', 'banana', '9', '10', undefined, 'zeta', 'Zürich', 'apple pie', '日本'], i),
    tier: pickFrom(['gold', 'silver', 'bronze', undefined, 'gold', 'silver', 'bronze', 'gold', undefined, 'silver', 'bronze'], i),
    active: pickFrom([true, false, undefined], Math.floor(i / 2)),
    due_at: pickFrom([NOON_IST - 2 * HOUR, '2024-06-01T12:00:00+05:30', NOON_IST + HOUR, undefined, NOON_IST + HOUR / 2, '2024-06-02T12:00:00', NOON_IST - 24 * HOUR, NOON_IST + 5.5 * HOUR, undefined], i),
    born: pickFrom(['1990-01-15', '1985-12-31', '2000-02-29', undefined, '1990-01-16', '1970-01-01', '2010-07-04', undefined], i),
    slot: pickFrom(['09:30', '14:00', undefined, '23:59:59', '00:00', '9:05', '12:00', 43_200_001, undefined, '09:30:00.500', '18:45', '06:00', undefined], i),
    phone: pickFrom(['9900112233', '+1 415-555-0100', undefined, '919900112233'], i),
    email: pickFrom(['Ann@Example.COM', 'bob@test.io', undefined, 'ann@example.com', 'Carl@x.org'], i),
    tags: pickFrom([['red'], ['red', 'green'], ['blue'], undefined, 'green', ['blue', 'red', 'green'], ['green', 'blue'], undefined, ['red'], ['blue'], ['green'], undefined], i),
    owner: pickFrom([undefined, 'ravi', johnId, 'priya'], Math.floor(i / 3)),
  };
  for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key];
  const body: Record<string, unknown> = { data, ...pickFrom([{}, { state: 'WORKING' }, { status: 'COMPLETED' }, { state: 'LOST', status: 'CANCELLED' }, { state: 'WORKING' }], i) };
  const assignee = pickFrom([undefined, 'priya', johnId, 'meera', 'zoe'], Math.floor(i / 2));
  if (assignee !== undefined) body.assignedTo = assignee;
  if (i % 4 !== 0) body.nextActionAt = NOON_IST + i * HOUR;
  return body;
}

export const GENERATED = 42;
/** Generated deals deleted after creation: they match many filters and must never be listed. */
export const DELETED_CODES = ['D-00', 'D-07'];

export interface ListFixture {
  readonly server: TestServer;
  readonly team: SeededTeam;
  readonly tokens: Record<Actor, string>;
  readonly userIds: { priya: string; ravi: string; john: string; meera: string; zoe: string; service: string };
  /** Live deals as the API last returned them, in creation order. */
  readonly deals: any[];
  readonly deleted: any[];
  /** When the special-label deals were created (all at the same instant). */
  readonly sameInstant: number;
  /** The instant of the last create; later updates move only updatedAt. */
  readonly lastCreate: number;
}

async function createDeal(url: string, token: string, body: Record<string, unknown>): Promise<any> {
  const res = await client(url, token).post('/v1/ext/procedure/deal/process', body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body._data;
}

/** Starts a server with the list team (slug `alpha` unless told) and creates its deals. */
export async function startListFixture(slug = 'alpha'): Promise<ListFixture> {
  let now = START;
  const server = await startTestServer({ clock: () => now });
  const team = await seedTeam(server.runtime, slug);
  await server.runtime.services.teamConfig.apply({ teamSlug: slug, text: listTeamConfig(slug), env: {} });
  const agentKey = (username: string) => server.runtime.services.apiKeys.createKey({ teamSlug: slug, name: `${username} key`, roleShortId: 'inside_sales', username });
  const tokens: Record<Actor, string> = {
    admin: team.tokens.admin, manager: team.tokens.manager, john: team.tokens.user,
    meera: (await agentKey('meera')).token, zoe: (await agentKey('zoe')).token,
  };
  const actors: Actor[] = ['admin', 'admin', 'manager', 'john', 'meera', 'zoe'];
  const byCode = new Map<string, any>();
  for (let i = 0; i < GENERATED; i += 1) {
    now += 60_000;
    const deal = await createDeal(server.url, tokens[pickFrom(actors, i)], dealBody(i, team.userIds.john));
    byCode.set(deal.data.code, deal);
  }
  now += 60_000;
  const sameInstant = now;
  for (const [k, label] of SPECIAL_LABELS.entries()) {
    const deal = await createDeal(server.url, tokens.admin, { data: { code: `S-${String(k).padStart(2, '0')}`, label } });
    byCode.set(deal.data.code, deal);
  }
  const lastCreate = now;
  const admin = client(server.url, tokens.admin);
  for (const deal of [...byCode.values()].filter((d, n) => n % 8 === 3)) {
    now += 60_000;
    const res = await admin.put(`/v1/ext/procedure/deal/process/${deal.id}`, { nextActionAt: NOON_IST + 100 * 24 * HOUR + now % 1000 + Number(deal.data.code.slice(2)) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    byCode.set(deal.data.code, res.body._data);
  }
  const deleted: any[] = [];
  for (const code of DELETED_CODES) {
    now += 60_000;
    const res = await admin.delete(`/v1/ext/procedure/deal/process/code/${code}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    deleted.push(res.body._data);
    byCode.delete(code);
  }
  const users = await server.runtime.services.users.list({ teamId: team.teamId, keyId: '', userId: '', roleId: '', roleType: 'ADMIN' }, { includeServiceAccounts: false });
  const idOf = (username: string) => users.find((u: { username: string }) => u.username === username)!.id;
  const service = byCode.get('D-01').createdBy as string;
  return {
    server, team, tokens, deals: [...byCode.values()], deleted, sameInstant, lastCreate,
    userIds: { ...team.userIds, meera: idOf('meera'), zoe: idOf('zoe'), service },
  };
}

export const LIST_PATH = '/v1/ext/procedure/deal/process/list';

/** One List Processes call. */
export function listDeals(f: ListFixture, body: unknown, token: string = f.tokens.admin) {
  return client(f.server.url, token).post(LIST_PATH, body);
}

export const codesOf = (processes: readonly any[]): string[] => processes.map((p) => p.data.code as string);
export const sortedCodes = (processes: readonly any[]): string[] => codesOf(processes).sort();

/** The codes of every deal matching `where` (one page of 100 holds them all), sorted. */
export async function matching(f: ListFixture, where: unknown, token?: string): Promise<string[]> {
  const res = await listDeals(f, { where, limit: 100 }, token);
  assert.equal(res.status, 200, `${JSON.stringify(where)} → ${JSON.stringify(res.body)}`);
  assert.equal(res.body._meta.hasMore, false);
  return sortedCodes(res.body._data);
}

/** The codes of the live deals for which `predicate` holds, sorted. */
export function expectedCodes(f: ListFixture, predicate: (deal: any) => boolean): string[] {
  return sortedCodes(f.deals.filter(predicate));
}

/** Text compares by code point, as both databases do on the test setup (C / binary collation). */
function compareText(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let k = 0; k < Math.min(x.length, y.length); k += 1) if (x[k] !== y[k]) return x[k] - y[k];
  return x.length - y.length;
}

export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareText(String(a), String(b));
}

export type Op = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** What `{field: {op: x}}` means for one stored value (API.md §3): absent matches only `!=`. */
export function holds(value: unknown, op: Op, x: unknown): boolean {
  if (value === undefined || value === null) return op === '!=';
  const c = compareValues(value, x);
  switch (op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
  }
}

/** The INVALID_QUERY answer; returns its messages joined, for checks on what they name. */
export function assertInvalidQuery(res: { status: number; body: any }): string {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body._meta.code, 'INVALID_QUERY', JSON.stringify(res.body));
  assert.deepEqual(res.body._data, []);
  assert.ok(Array.isArray(res.body._errors) && res.body._errors.length > 0);
  return (res.body._errors as string[]).join('\n');
}
