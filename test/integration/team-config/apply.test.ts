import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { Kysely } from 'kysely';
import { AppError } from '../../../src/shared/errors.ts';
import { ConfigInvalidError } from '../../../src/platform/team-config/team-config.errors.ts';
import type { ApplyRequest } from '../../../src/platform/team-config/index.ts';
import type { Runtime } from '../../../src/runtime.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { demoConfigFor, seedTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';

/** Every table apply may touch, plus the API keys that act as its users. */
const TABLES = [
  'teams', 'roles', 'pods', 'task_types', 'entities', 'procedures', 'states', 'attributes', 'derived_attributes',
  'attribute_groups', 'state_tasks', 'users', 'user_emails', 'user_phones', 'user_pods', 'api_keys', 'api_tokens',
] as const;
type Dump = Record<string, Record<string, unknown>>;

/** The whole database, row by row, so "nothing changed" and "exactly this changed" can be checked. */
async function dumpDatabase(runtime: Runtime): Promise<Dump> {
  const q = runtime.db.kysely as unknown as Kysely<any>;
  const dump: Dump = {};
  for (const table of TABLES) {
    for (const row of await q.selectFrom(table).selectAll().execute()) dump[`${table}:${row.id ?? `${row.user_id}/${row.pod_id}`}`] = row;
  }
  return dump;
}

function diffDumps(before: Dump, after: Dump) {
  const changed: Record<string, string[]> = {};
  for (const [key, row] of Object.entries(after)) {
    const old = before[key];
    const columns = old ? Object.keys(row).filter((c) => !isDeepStrictEqual(row[c], old[c])) : [];
    if (columns.length > 0) changed[key] = columns.sort();
  }
  return {
    added: Object.keys(after).filter((k) => !(k in before)).sort(),
    removed: Object.keys(before).filter((k) => !(k in after)).sort(),
    changed,
  };
}

/** Replaces each text once and fails loudly when the fixture no longer contains it. */
function edit(text: string, ...pairs: [string | RegExp, string][]): string {
  for (const [from, to] of pairs) {
    const next = text.replace(from, to);
    assert.notEqual(next, text, `the fixture no longer contains ${String(from)}`);
    text = next;
  }
  return text;
}

const JOHN_BLOCK = /  - username: john\n(?: {4}.*\n)+/;

/** What applying the demo file creates, as the summary names it. */
const demoLabels = (slug: string) => [
  `team ${slug}`, 'role admin', 'role sales_manager', 'role inside_sales', 'pod north', 'pod south', 'task type call', 'task type meeting',
  'entity customer', 'attribute customer.phone_number', 'attribute customer.email', 'procedure lead',
  'state lead.NEW', 'state lead.IN_PROGRESS', 'state lead.CONVERTED', 'state lead.NOT_INTERESTED',
  ...['lead_id', 'first_name', 'last_name', 'phone_number', 'score', 'city', 'photo'].map((a) => `attribute lead.${a}`),
  'derived attribute lead.full_name', 'attribute group lead.basics', 'state task lead.call',
  ...['call_disposition', 'next_call_time', 'remarks'].map((a) => `attribute lead.call.${a}`),
  'user priya', 'user ravi', 'user john',
];

describe('config as code: apply (CONFIG.md)', () => {
  let server: TestServer;
  let q: Kysely<any>;
  let now = Date.UTC(2025, 0, 1);
  before(async () => {
    server = await startTestServer({ clock: () => now });
    q = server.runtime.db.kysely as unknown as Kysely<any>;
  });
  after(() => server.close());

  /** Each apply happens a minute after the previous one, so a write shows in updated_at. */
  const apply = (slug: string, text: string, options: Partial<ApplyRequest> = {}) => {
    now += 60_000;
    return server.runtime.services.teamConfig.apply({ teamSlug: slug, text, env: {}, ...options });
  };
  const refusal = async (work: Promise<unknown>): Promise<AppError> => {
    const error = await work.then(() => null, (e: unknown) => e);
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  };
  const principalOf = (teamId: string) => ({ teamId, keyId: '', userId: '', roleId: '', roleType: 'ADMIN' as const });
  const configOf = (teamId: string): Promise<any> => server.runtime.services.teamConfig.getConfig(principalOf(teamId));
  const usersOf = async (teamId: string) => {
    const list = await server.runtime.services.users.list(principalOf(teamId), { includeServiceAccounts: true });
    return new Map(list.map((u) => [u.username, u]));
  };
  const idOf = async (table: string, teamId: string, shortId: string): Promise<string> =>
    (await q.selectFrom(table).select('id').where('team_id', '=', teamId).where(table === 'users' ? 'username' : 'short_id', '=', shortId).executeTakeFirstOrThrow()).id;
  const teamExists = async (slug: string) => (await q.selectFrom('teams').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;

  it('applying the demo file creates the team and every object, and the summary lists them', async () => {
    const summary = await apply('alpha', demoConfigFor('alpha'));
    assert.deepEqual([...summary.created].sort(), demoLabels('alpha').sort());
    assert.deepEqual([summary.updated, summary.deleted, summary.unchanged, summary.dryRun, summary.teamSlug], [[], [], 0, false, 'alpha']);
    const config = await configOf(summary.teamId);
    assert.deepEqual(config.team, { ...config.team, id: summary.teamId, slug: 'alpha', name: 'Demo Co', timezone: '+05:30', defaultCountryCode: '91' });
    const counts = Object.fromEntries(['roles', 'pods', 'taskTypes', 'entities', 'procedures', 'attributes', 'derivedAttributes', 'attributeGroups', 'stateTasks'].map((k) => [k, config[k].length]));
    assert.deepEqual(counts, { roles: 3, pods: 2, taskTypes: 2, entities: 1, procedures: 1, attributes: 12, derivedAttributes: 1, attributeGroups: 1, stateTasks: 1 });
    assert.deepEqual(config.procedures[0].states.map((s: any) => s.shortId), ['NEW', 'IN_PROGRESS', 'CONVERTED', 'NOT_INTERESTED']);
    const users = await usersOf(summary.teamId);
    const [priya, ravi, john] = ['priya', 'ravi', 'john'].map((u) => users.get(u)!);
    assert.deepEqual(priya.reportees, [ravi.id]);
    assert.deepEqual(ravi.reportees, [john.id]);
    assert.equal(john.role, config.roles.find((r: any) => r.shortId === 'inside_sales').id);
    assert.deepEqual(john.pods, [config.pods.find((p: any) => p.shortId === 'north').id]);
    assert.deepEqual([john.lastName, john.primaryEmail?.email, john.primaryPhone?.phone], ['Doe', 'john@demo.example', '919900112233']);
    assert.equal(ravi.primaryPhone?.phone, '919900112234', 'phone decorations are stripped');
  });

  it('re-applying the same file changes nothing: same ids, no new rows, nothing rewritten', async () => {
    const before = await dumpDatabase(server.runtime);
    const summary = await apply('alpha', demoConfigFor('alpha'));
    assert.deepEqual([summary.created, summary.updated, summary.deleted], [[], [], []]);
    assert.equal(summary.unchanged, demoLabels('alpha').length);
    assert.deepEqual(diffDumps(before, await dumpDatabase(server.runtime)), { added: [], removed: [], changed: {} });
    const teamId = summary.teamId;
    const count = async (table: string) => Number((await q.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('team_id', '=', teamId).executeTakeFirstOrThrow()).n);
    assert.deepEqual([await count('users'), await count('attributes'), await count('states'), await count('user_emails')], [3, 12, 4, 3]);
  });

  const changedDemo = (slug: string) => edit(demoConfigFor(slug),
    ['{ shortId: IN_PROGRESS, name: In progress }', '{ shortId: IN_PROGRESS, name: Working on it }'],
    ['      - { shortId: photo, name: Photo, type: photo }\n', '      - { shortId: photo, name: Photo, type: photo }\n      - { shortId: budget, name: Budget, type: decimal }\n'],
    ['    lastName: Doe\n', '    lastName: Doe-Smith\n'],
    [/(username: john\n(?: {4}.*\n)*? {4})manager: ravi/, '$1manager: priya'],
  );

  it('a changed file updates exactly the changed objects, keeps their ids, and says what changed', async () => {
    const before = await dumpDatabase(server.runtime);
    const summary = await apply('alpha', changedDemo('alpha'));
    assert.deepEqual(summary.created, ['attribute lead.budget']);
    assert.deepEqual([...summary.updated].sort(), ['state lead.IN_PROGRESS (name)', 'user john (last_name, manager)']);
    assert.deepEqual([summary.deleted, summary.unchanged], [[], demoLabels('alpha').length - 2]);
    const alpha = summary.teamId;
    const [state, john, budget] = [await idOf('states', alpha, 'IN_PROGRESS'), await idOf('users', alpha, 'john'), await idOf('attributes', alpha, 'budget')];
    assert.deepEqual(diffDumps(before, await dumpDatabase(server.runtime)), {
      added: [`attributes:${budget}`],
      removed: [],
      changed: { [`states:${state}`]: ['name', 'updated_at'], [`users:${john}`]: ['last_name', 'manager_id', 'updated_at'] },
    });
    const users = await usersOf(alpha);
    assert.equal(users.get('john')!.lastName, 'Doe-Smith');
    assert.deepEqual(users.get('priya')!.reportees.sort(), [users.get('ravi')!.id, john].sort());
    assert.deepEqual(users.get('ravi')!.reportees, []);
  });

  it('a user whose manager alone moved is counted once, as updated', async () => {
    const summary = await apply('alpha', edit(changedDemo('alpha'), [/(username: ravi\n(?: {4}.*\n)*?) {4}manager: priya\n/, '$1']));
    assert.deepEqual([summary.created, summary.updated, summary.deleted], [[], ['user ravi (manager)'], []]);
    assert.equal(summary.unchanged, demoLabels('alpha').length);
    assert.equal((await usersOf(summary.teamId)).get('ravi')!.reportees.length, 0);
  });

  it('a dry run reports what would change and writes nothing, for a new team and for changes', async () => {
    const empty = await dumpDatabase(server.runtime);
    const fresh = await apply('beta', demoConfigFor('beta'), { dryRun: true });
    assert.equal(fresh.dryRun, true);
    assert.deepEqual([...fresh.created].sort(), demoLabels('beta').sort());
    assert.equal(await teamExists('beta'), false);
    assert.deepEqual(diffDumps(empty, await dumpDatabase(server.runtime)), { added: [], removed: [], changed: {} });

    await apply('beta', demoConfigFor('beta'));
    const seeded = await dumpDatabase(server.runtime);
    const changed = edit(changedDemo('beta'), ['  name: Demo Co\n', '  name: Beta Co\n']);
    const dry = await apply('beta', changed, { dryRun: true });
    assert.deepEqual([...dry.updated].sort(), ['state lead.IN_PROGRESS (name)', 'team beta (name)', 'user john (last_name, manager)']);
    assert.deepEqual(diffDumps(seeded, await dumpDatabase(server.runtime)), { added: [], removed: [], changed: {} });
    assert.deepEqual({ ...dry, dryRun: false }, await apply('beta', changed), 'the dry run predicted the real apply');
  });

  it('prune deletes objects and soft-deletes users missing from the file; without prune nothing goes', async () => {
    const team = await seedTeam(server.runtime, 'gamma');
    const status = async (token: string) => (await call(server.url, 'GET', '/v1/ext/config', { token })).status;
    assert.equal(await status(team.tokens.user), 200);
    const trimmed = edit(demoConfigFor('gamma'),
      ['  - { shortId: south, name: South }\n', ''], ['      - { shortId: NOT_INTERESTED, name: Not interested }\n', ''],
      ['      - { shortId: photo, name: Photo, type: photo }\n', ''], [JOHN_BLOCK, ''],
    );
    const before = await dumpDatabase(server.runtime);
    const kept = await apply('gamma', trimmed);
    assert.deepEqual([kept.created, kept.updated, kept.deleted], [[], [], []]);
    assert.deepEqual(diffDumps(before, await dumpDatabase(server.runtime)), { added: [], removed: [], changed: {} });

    const pruned = await apply('gamma', trimmed, { prune: true });
    assert.deepEqual([...pruned.deleted].sort(), ['attribute lead.photo', 'pod south', 'state lead.NOT_INTERESTED', 'user john']);
    const config = await configOf(team.teamId);
    assert.deepEqual(config.pods.map((p: any) => p.shortId), ['north']);
    assert.deepEqual(config.procedures[0].states.map((s: any) => s.shortId), ['NEW', 'IN_PROGRESS', 'CONVERTED']);
    assert.equal(config.attributes.some((a: any) => a.shortId === 'photo'), false);
    const users = await usersOf(team.teamId);
    const john = users.get('john')!;
    assert.deepEqual([john.isDeleted, john.isActive, john.deletedAt], [true, false, now]);
    const services = [...users.values()].filter((u) => u.isServiceAccount);
    assert.ok(services.length > 0 && services.every((u) => !u.isDeleted && u.isActive), 'service users behind keys are never pruned');
    assert.deepEqual([users.get('priya')!.isDeleted, users.get('ravi')!.isDeleted], [false, false]);

    // The credential cache notices within a second; allow a few.
    const deadline = Date.now() + 3000;
    while ((await status(team.tokens.user)) !== 401 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([await status(team.tokens.user), await status(team.tokens.admin), await status(team.tokens.manager)], [401, 200, 200]);
    assert.deepEqual((await apply('gamma', trimmed, { prune: true })).deleted, [], 'what is gone is not deleted twice');
  });

  it('prune refuses to delete an object still in use, and writes nothing', async () => {
    const before = await dumpDatabase(server.runtime);
    const text = edit(demoConfigFor('gamma'), ['  - { shortId: inside_sales, name: Inside Sales Agent, type: USER }\n', ''], [JOHN_BLOCK, '']);
    const error = await refusal(apply('gamma', text, { prune: true }));
    assert.equal(error.status, 409);
    assert.match(error.messages[0], /role inside_sales.*still in use/);
    assert.deepEqual(diffDumps(before, await dumpDatabase(server.runtime)), { added: [], removed: [], changed: {} });
  });

  it('prune drops a pod that the same file moves every user out of', async () => {
    await apply('delta', demoConfigFor('delta'));
    const moved = edit(demoConfigFor('delta'), ['  - { shortId: north, name: North }\n', ''], [/pods: \[north\]/g, 'pods: [south]']);
    const summary = await apply('delta', moved, { prune: true });
    assert.deepEqual(summary.deleted, ['pod north']);
    assert.deepEqual([...summary.updated].sort(), ['user john (pods)', 'user ravi (pods)']);
    const south = await idOf('pods', summary.teamId, 'south');
    assert.deepEqual((await usersOf(summary.teamId)).get('ravi')!.pods, [south]);
  });

  it('an invalid file changes nothing and its error lists every problem with its path', async () => {
    const broken = (slug: string) => edit(demoConfigFor(slug),
      ['{ shortId: phone_number, name: Phone, type: phone }\n      - { shortId: score', '{ shortId: phone_number, name: Phone, type: strng }\n      - { shortId: score'],
      ['role: inside_sales', 'role: nope'], ['defaultStartState: NEW', 'defaultStartState: NOPE'], ['states: [NEW, IN_PROGRESS]', 'states: [NEW, DONE]'],
    );
    const before = await dumpDatabase(server.runtime);
    for (const slug of ['alpha', 'epsilon']) {
      const error = await refusal(apply(slug, broken(slug)));
      assert.ok(error instanceof ConfigInvalidError);
      assert.equal(error.status, 400);
      assert.deepEqual([...error.messages].sort(), [
        'procedures[0].attributes[3].type: unknown type "strng"', 'procedures[0].defaultStartState: unknown state "NOPE"',
        'procedures[0].stateTasks[0].states[1]: unknown state "DONE"', 'users[2].role: unknown role "nope"',
      ]);
    }
    assert.equal(await teamExists('epsilon'), false);
    assert.deepEqual(diffDumps(before, await dumpDatabase(server.runtime)), { added: [], removed: [], changed: {} });
  });

  it('${VAR} references are read from the env given to apply; an unset one is reported', async () => {
    const text = edit(demoConfigFor('zeta'), ['  name: Demo Co\n', '  name: ${TEAM_NAME}\n'], ['    lastName: Doe\n', '    lastName: ${JOHN_LAST}\n']);
    const error = await refusal(apply('zeta', text, { env: { TEAM_NAME: 'Zeta Ltd' } }));
    assert.deepEqual(error.messages, ['users[2].lastName: environment variable JOHN_LAST is not set']);
    assert.equal(await teamExists('zeta'), false);
    const summary = await apply('zeta', text, { env: { TEAM_NAME: 'Zeta Ltd', JOHN_LAST: 'Doe-Env' } });
    assert.equal((await configOf(summary.teamId)).team.name, 'Zeta Ltd');
    assert.equal((await usersOf(summary.teamId)).get('john')!.lastName, 'Doe-Env');
  });

  it('a --team slug that differs from the file\'s team.slug is refused and nothing is written', async () => {
    const before = await dumpDatabase(server.runtime);
    const error = await refusal(apply('eta', demoConfigFor('theta')));
    assert.equal(error.status, 400);
    assert.match(error.messages[0], /"theta".*"eta"/);
    assert.deepEqual([await teamExists('eta'), await teamExists('theta')], [false, false]);
    assert.deepEqual(diffDumps(before, await dumpDatabase(server.runtime)), { added: [], removed: [], changed: {} });
  });

  it('export → apply changes nothing on the same team and recreates the same config on a fresh database', async () => {
    const sam = '  - { username: sam, firstName: Sam, middleName: K, displayName: Sammy, timezone: Asia/Kolkata, isActive: false, role: inside_sales, pods: [south, north], manager: priya }\n';
    const ticket = [
      '  - shortId: ticket', '    name: Ticket', '    states:', '      - { shortId: OPEN, name: Open }', '    attributes:',
      '      - { shortId: payload, type: json, schema: { type: object } }', '      - { shortId: priority, name: Priority, type: integerEnum, options: [1, 2, 3] }', '',
    ].join('\n');
    const source = edit(demoConfigFor('iota'), ['\ntaskTypes:', `${sam}\ntaskTypes:`]) + ticket;
    const first = await apply('iota', source);
    const exported = await server.runtime.services.teamConfig.export('iota');
    const again = await apply('iota', exported);
    assert.deepEqual([again.created, again.updated, again.deleted], [[], [], []]);

    const other = await startTestServer();
    try {
      const summary = await other.runtime.services.teamConfig.apply({ teamSlug: 'iota', text: exported, env: {} });
      assert.deepEqual([...summary.created].sort(), [...first.created].sort());
      assert.equal(await other.runtime.services.teamConfig.export('iota'), exported);
      const list = await other.runtime.services.users.list(principalOf(summary.teamId), { includeServiceAccounts: false });
      const copy = list.find((u) => u.username === 'sam')!;
      assert.deepEqual([copy.middleName, copy.displayName, copy.timezone, copy.isActive, copy.pods.length], ['K', 'Sammy', 'Asia/Kolkata', false, 2]);
      const config = await other.runtime.services.teamConfig.getConfig(principalOf(summary.teamId)) as any;
      const payload = config.attributes.find((a: any) => a.shortId === 'payload');
      assert.deepEqual([payload.schema, payload.name], [{ type: 'object' }, 'payload']);
      assert.deepEqual(config.attributes.find((a: any) => a.shortId === 'priority').options, [1, 2, 3]);
      assert.equal(config.procedures.find((p: any) => p.shortId === 'ticket').entity, null);
    } finally {
      await other.close();
    }
  });

  it('refuses an email already owned by another user of the team who is not in the file, writing nothing', async () => {
    await apply('kappa', demoConfigFor('kappa'));
    const text = edit(demoConfigFor('kappa'), [JOHN_BLOCK, '  - { username: sam, firstName: Sam, email: JOHN@Demo.example, role: inside_sales }\n']);
    const before = await dumpDatabase(server.runtime);
    const error = await refusal(apply('kappa', text));
    assert.equal(error.status, 409);
    assert.match(error.messages[0], /"JOHN@Demo\.example" of "sam" already belongs to another user/);
    assert.deepEqual(diffDumps(before, await dumpDatabase(server.runtime)), { added: [], removed: [], changed: {} });
  });
});
