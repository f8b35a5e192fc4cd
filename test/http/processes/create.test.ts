import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import {
  LEAD, PROCESS_KEYS, UUID, assertError, assertMessage, configIds, createProcess, dataOf, demoConfigWithUsers, fetchProcess, manualClock,
  type Client, type ConfigIds,
} from '../../support/processes.ts';

describe('Create Process: the process object and the defaults (API.md §3)', () => {
  const time = manualClock();
  let server: TestServer;
  let acme: SeededTeam;
  let ids: ConfigIds;
  let admin: Client;
  let manager: Client;
  let gone: string;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    acme = await seedTeam(server.runtime, 'acme');
    // An inactive user, to show that work cannot be assigned to someone who has left.
    await server.runtime.services.teamConfig.apply({
      teamSlug: 'acme', env: {},
      text: demoConfigWithUsers('acme', ['{ username: gone, firstName: Gone, email: gone@demo.example, role: inside_sales, isActive: false }']),
    });
    ids = await configIds(server.url, acme.tokens.admin);
    admin = client(server.url, acme.tokens.admin);
    manager = client(server.url, acme.tokens.manager);
    const users = dataOf(await admin.get('/v1/ext/users'));
    gone = users.find((u: any) => u.username === 'gone').id;
  });
  after(() => server.close());

  const countLeads = async (): Promise<number> => {
    const res = await admin.post(`${LEAD}/list`, { includeTotal: true, limit: 1 });
    dataOf(res);
    return res.body._meta.total;
  };

  it('answers every key of the process object, references as UUIDs resolvable through the config', async () => {
    const now = time.advance();
    const p = await createProcess(manager, LEAD, {
      data: { first_name: 'Ted', last_name: 'Mosby', score: 5, city: 'Pune' },
      record: { data: { phone_number: '9900000001' } },
      state: 'IN_PROGRESS', assignedTo: 'john', nextActionAt: now + 60_000,
    });
    assert.deepEqual(Object.keys(p).sort(), PROCESS_KEYS);
    assert.match(p.id, UUID);
    assert.equal(p.createdAt, now);
    assert.equal(p.updatedAt, now);
    assert.equal(p.team, ids.team);
    assert.equal(p.procedure, ids.procedures.lead);
    assert.equal(p.entity, ids.entities.customer);
    assert.match(p.record, UUID);
    assert.equal(p.createdBy, acme.userIds.ravi, 'the manager key acts as ravi');
    assert.equal(p.assignedTo, acme.userIds.john);
    assert.equal(p.belongsTo, null);
    assert.equal(p.status, 'OPEN');
    assert.equal(p.state, ids.states.lead.IN_PROGRESS);
    assert.equal(p.nextActionAt, now + 60_000);
    assert.equal(p.completedAt, 0);
    assert.deepEqual(p.data, { lead_id: p.data.lead_id, first_name: 'Ted', last_name: 'Mosby', score: 5, city: 'Pune' });
    assert.match(p.data.lead_id, /^LEAD-\d{6}$/);
    assert.deepEqual(p.derivedData, { full_name: 'Ted Mosby' });
    assert.equal(p.isDeleted, false);
    assert.equal(p.deletedAt, null);
    assert.deepEqual(await fetchProcess(manager, LEAD, p.id), p, 'a fetch answers what the create answered');
  });

  it('defaults: OPEN, the default start state, unassigned, no next action, not completed', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Robin' } });
    assert.equal(p.status, 'OPEN');
    assert.equal(p.state, ids.states.lead.NEW);
    assert.equal(p.assignedTo, null);
    assert.equal(p.nextActionAt, 0);
    assert.equal(p.completedAt, 0);
    assert.equal(p.record, null, 'no record was given');
    assert.deepEqual(p.derivedData, { full_name: 'Robin' });
  });

  it('createdBy is the user of the key, a service user for a key made without one', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Lily' } });
    assert.ok(![acme.userIds.priya, acme.userIds.ravi, acme.userIds.john].includes(p.createdBy));
    const users = dataOf(await admin.get('/v1/ext/users?includeServiceAccounts=true'));
    const creator = users.find((u: any) => u.id === p.createdBy);
    assert.ok(creator, 'createdBy resolves to a user of the team');
    assert.equal(creator.isServiceAccount, true);
    const byJohn = await createProcess(client(server.url, acme.tokens.user), LEAD, { data: { first_name: 'Marshall' } });
    assert.equal(byJohn.createdBy, acme.userIds.john);
  });

  it('status COMPLETED without a state: the default completed state, completedAt = now', async () => {
    const now = time.advance();
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Barney' }, status: 'COMPLETED' });
    assert.equal(p.status, 'COMPLETED');
    assert.equal(p.state, ids.states.lead.CONVERTED);
    assert.equal(p.completedAt, now);
    const withState = await createProcess(admin, LEAD, { data: { first_name: 'Barney' }, status: 'COMPLETED', state: 'NOT_INTERESTED' });
    assert.equal(withState.state, ids.states.lead.NOT_INTERESTED, 'a given state wins');
    assert.equal(withState.completedAt, now);
    const cancelled = await createProcess(admin, LEAD, { data: { first_name: 'Barney' }, status: 'CANCELLED' });
    assert.equal(cancelled.status, 'CANCELLED');
    assert.equal(cancelled.completedAt, now);
  });

  it('state is given by shortId; an unknown state or status is refused (400)', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Tracy' }, state: 'NOT_INTERESTED' });
    assert.equal(p.state, ids.states.lead.NOT_INTERESTED);
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Tracy' }, state: 'WON' }), 400, 'VALIDATION_FAILED'), /state/, /WON/);
    assertError(await admin.post(LEAD, { data: { first_name: 'Tracy' }, status: 'DONE' }), 400, 'VALIDATION_FAILED');
  });

  it('assignedTo by username, user UUID or primary email', async () => {
    for (const assignedTo of ['john', acme.userIds.john, 'john@demo.example']) {
      const p = await createProcess(admin, LEAD, { data: { first_name: 'Ted' }, assignedTo });
      assert.equal(p.assignedTo, acme.userIds.john, `assignedTo ${assignedTo}`);
    }
    const ravi = await createProcess(admin, LEAD, { data: { first_name: 'Ted' }, assignedTo: 'ravi@demo.example' });
    assert.equal(ravi.assignedTo, acme.userIds.ravi);
  });

  it('assignedTo an unknown or inactive user is refused (400)', async () => {
    const before = await countLeads();
    for (const assignedTo of ['nobody', 'nobody@demo.example', '01900000-0000-7000-8000-000000000000', 'gone', gone, 'gone@demo.example']) {
      const errors = assertError(await admin.post(LEAD, { data: { first_name: 'Ted' }, assignedTo }), 400, 'VALIDATION_FAILED');
      assertMessage(errors, /assignedTo/);
    }
    assert.equal(await countLeads(), before, 'no process was created');
  });

  it('nextActionAt as epoch ms, numeric string or ISO-8601 (without offset: the team timezone +05:30)', async () => {
    const at = Date.UTC(2024, 2, 1, 4, 30);
    const cases: [unknown, number][] = [
      [at, at], [String(at), at], ['2024-03-01T10:00:00+05:30', at], ['2024-03-01T04:30:00Z', at], ['2024-03-01T10:00:00', at],
    ];
    for (const [given, expected] of cases) {
      const p = await createProcess(admin, LEAD, { data: { first_name: 'Ted' }, nextActionAt: given });
      assert.equal(p.nextActionAt, expected, `nextActionAt ${JSON.stringify(given)}`);
    }
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted' }, nextActionAt: 'soon' }), 400, 'VALIDATION_FAILED'), /nextActionAt/);
  });

  it('coerces values by attribute type: "score": "105" is stored as 105, phone numbers get the country code', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Ted', score: '105', phone_number: '99001 12233' } });
    assert.equal(p.data.score, 105);
    assert.equal(p.data.phone_number, '919900112233');
    assert.deepEqual((await fetchProcess(admin, LEAD, p.id)).data.score, 105);
  });

  it('refuses a value that cannot be coerced, naming the attribute and the expected type', async () => {
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted', score: 'abc' } }), 400, 'VALIDATION_FAILED'), /data\.score: expected an integer, got "abc"/);
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted', score: '10.5' } }), 400, 'VALIDATION_FAILED'), /data\.score/);
  });

  it('an enum value that is not an option is refused (400), naming the options', async () => {
    const errors = assertError(await admin.post(LEAD, { data: { first_name: 'Ted', city: 'Paris' } }), 400, 'VALIDATION_FAILED');
    assertMessage(errors, /data\.city: expected one of Pune, Delhi, Mumbai, Goa, Tokyo, got "Paris"/);
    assertError(await admin.post(LEAD, { data: { first_name: 'Ted', city: 'pune' } }), 400, 'VALIDATION_FAILED');
  });

  it('an unknown attribute is 400 UNKNOWN_ATTRIBUTE naming it and the procedure', async () => {
    const errors = assertError(await admin.post(LEAD, { data: { first_name: 'Ted', colour: 'blue' } }), 400, 'UNKNOWN_ATTRIBUTE');
    assert.equal(errors[0], "Unknown attribute 'colour' for procedure 'lead'");
  });

  it('a derived attribute cannot be written (400)', async () => {
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted', full_name: 'X' } }), 400, 'VALIDATION_FAILED'), /full_name/);
  });

  it('a missing required attribute is refused (400), null included', async () => {
    assertMessage(assertError(await admin.post(LEAD, { data: { last_name: 'Mosby' } }), 400, 'VALIDATION_FAILED'), /data\.first_name: is required/);
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: null } }), 400, 'VALIDATION_FAILED'), /first_name/);
    assertMessage(assertError(await admin.post(LEAD, {}), 400, 'VALIDATION_FAILED'), /first_name/);
  });

  it('an unknown root field is refused (400) naming it', async () => {
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted' }, colour: 'blue' }), 400, 'VALIDATION_FAILED'), /colour/);
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted' }, isDeleted: true }), 400, 'VALIDATION_FAILED'), /isDeleted/);
    assertError(await admin.post(LEAD, { data: 'first_name=Ted' }), 400, 'VALIDATION_FAILED');
  });

  it('reports every problem of one body at once, and a refused create stores nothing', async () => {
    const before = await countLeads();
    const errors = assertError(await admin.post(LEAD, { data: { score: 'x', city: 'Paris' }, state: 'WON' }), 400, 'VALIDATION_FAILED');
    assertMessage(errors, /data\.score/, /data\.city/, /state/);
    assert.equal(await countLeads(), before);
  });
});
