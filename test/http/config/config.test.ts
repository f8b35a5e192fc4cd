import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';

/** API.md §2: exactly these keys, `team` an object, the rest arrays. */
const KEYS = [
  'team', 'entities', 'procedures', 'attributeTypes', 'attributes', 'derivedAttributes', 'attributeGroups', 'roles', 'pods',
  'taskTypes', 'forms', 'formFields', 'formActionButtons', 'stateTasks', 'userProfiles', 'attributeConfig', 'skillTypes',
];
const EMPTY_KEYS = ['forms', 'formFields', 'formActionButtons', 'userProfiles', 'attributeConfig', 'skillTypes'];
const COMMON_FIELDS = ['id', 'shortId', 'name', 'team', 'createdAt', 'updatedAt'];

/** CONFIG.md, "What GET /v1/ext/config returns": what each kind carries beyond the common fields. */
const EXTRA_FIELDS: Record<string, string[]> = {
  entities: ['primaryKey', 'phoneAttribute', 'attributes'],
  procedures: ['entity', 'primaryKey', 'primaryIdentifier', 'phoneAttribute', 'defaultStartState', 'defaultCompletedState', 'states'],
  attributes: ['type', 'required', 'options', 'autoGenerate', 'schema', 'owner'],
  derivedAttributes: ['type', 'expression', 'owner'],
  attributeGroups: ['owner', 'attributes', 'order'],
  roles: ['type'],
  pods: [],
  taskTypes: [],
  stateTasks: ['procedure', 'taskType', 'states', 'attributes'],
};

/** CONFIG.md's attribute type table, by the JSON type each value is stored as. */
const VALUE_TYPES: Record<string, string> = Object.fromEntries(
  [
    ['string', 'string name text url html email phone stringId stringEnum datetimeISO8601 photo user process record task'],
    ['integer', 'integerId integer number integerEnum date datetime time'],
    ['number', 'float decimal floatEnum'],
    ['boolean', 'boolean'],
    ['array', 'multiStringEnum multiIntegerEnum multiFloatEnum multiString multiPhotos geolocation processCollection recordCollection taskCollection'],
    ['any', 'json externalObject customObject'],
  ].flatMap(([valueType, names]) => names.split(' ').map((type) => [type, valueType])),
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every UUID anywhere in a JSON value. */
function uuidsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string' && UUID.test(value)) found.add(value);
  else if (Array.isArray(value)) for (const item of value) uuidsIn(item, found);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) uuidsIn(item, found);
  return found;
}

describe('GET /v1/ext/config (API.md §2, CONFIG.md)', () => {
  let server: TestServer;
  let alpha: SeededTeam;
  let beta: SeededTeam;
  let config: any;
  before(async () => {
    server = await startTestServer();
    alpha = await seedTeam(server.runtime, 'alpha');
    beta = await seedTeam(server.runtime, 'beta');
    const res = await client(server.url, alpha.tokens.admin).get('/v1/ext/config');
    assert.equal(res.status, 200);
    config = res.body._data;
  });
  after(() => server.close());

  const byId = (key: string) => new Map<string, any>(config[key].map((o: any) => [o.id, o]));
  const shortIdOf = (key: string, id: string) => byId(key).get(id)?.shortId;
  const ownedBy = (key: string, ownerId: string) => new Set(config[key].filter((o: any) => o.owner.id === ownerId).map((o: any) => o.id));

  it('has exactly the 17 keys, a team object, and empty arrays for the features not built yet', async () => {
    assert.deepEqual(Object.keys(config).sort(), [...KEYS].sort());
    for (const key of KEYS.filter((k) => k !== 'team')) assert.ok(Array.isArray(config[key]), `${key} is an array`);
    for (const key of EMPTY_KEYS) assert.deepEqual(config[key], [], key);
    assert.deepEqual(
      { id: config.team.id, slug: config.team.slug, name: config.team.name, timezone: config.team.timezone, defaultCountryCode: config.team.defaultCountryCode },
      { id: alpha.teamId, slug: 'alpha', name: 'Demo Co', timezone: '+05:30', defaultCountryCode: '91' },
    );
  });

  it('gives every config object an id, shortId, name, team, timestamps and the fields of its kind', async () => {
    for (const [key, extra] of Object.entries(EXTRA_FIELDS)) {
      assert.ok(config[key].length > 0, `the demo config has ${key}`);
      for (const object of config[key]) {
        for (const field of [...COMMON_FIELDS, ...extra]) assert.ok(field in object, `${key} ${object.shortId} has ${field}`);
        assert.match(object.id, UUID);
        assert.equal(object.team, alpha.teamId);
        assert.ok(typeof object.shortId === 'string' && typeof object.name === 'string' && object.name !== '');
        assert.ok(Number.isInteger(object.createdAt) && Number.isInteger(object.updatedAt), `${key} timestamps are epoch ms`);
      }
    }
    const ids = KEYS.flatMap((key) => (key === 'team' || key === 'attributeTypes' ? [] : config[key].map((o: any) => o.id)));
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    assert.deepEqual(config.roles.map((r: any) => [r.shortId, r.type]), [['admin', 'ADMIN'], ['sales_manager', 'MANAGER'], ['inside_sales', 'USER']]);
    const leadId = config.attributes.find((a: any) => a.shortId === 'lead_id');
    assert.deepEqual([leadId.type, leadId.required, leadId.autoGenerate, leadId.options, leadId.schema], ['stringId', false, { prefix: 'LEAD-', digits: 6 }, null, null]);
    const city = config.attributes.find((a: any) => a.shortId === 'city');
    assert.deepEqual(city.options, ['Pune', 'Delhi', 'Mumbai', 'Goa', 'Tokyo']);
    assert.equal(config.attributes.find((a: any) => a.shortId === 'first_name').required, true);
    assert.equal(config.derivedAttributes[0].expression, "$join([data.first_name, data.last_name], ' ')");
  });

  it('resolves every procedure and entity reference to an object of the same response', async () => {
    const [lead] = config.procedures;
    assert.deepEqual(lead.states.map((s: any) => Object.keys(s).sort()), lead.states.map(() => ['id', 'name', 'order', 'shortId']));
    assert.deepEqual(lead.states.map((s: any) => [s.shortId, s.order]), [['NEW', 0], ['IN_PROGRESS', 1], ['CONVERTED', 2], ['NOT_INTERESTED', 3]]);
    const stateShortId = (id: string) => lead.states.find((s: any) => s.id === id)?.shortId;
    const own = ownedBy('attributes', lead.id);
    assert.ok(lead.attributes.length === 7 && lead.attributes.every((id: string) => own.has(id)));
    assert.equal(shortIdOf('entities', lead.entity), 'customer');
    assert.ok(own.has(lead.primaryKey) && own.has(lead.phoneAttribute));
    assert.deepEqual([shortIdOf('attributes', lead.primaryKey), shortIdOf('attributes', lead.phoneAttribute)], ['lead_id', 'phone_number']);
    assert.equal(shortIdOf('attributes', lead.primaryIdentifier) ?? shortIdOf('derivedAttributes', lead.primaryIdentifier), 'first_name');
    assert.deepEqual([stateShortId(lead.defaultStartState), stateShortId(lead.defaultCompletedState)], ['NEW', 'CONVERTED']);

    const [customer] = config.entities;
    const customerOwn = ownedBy('attributes', customer.id);
    assert.ok(customer.attributes.length === 2 && customer.attributes.every((id: string) => customerOwn.has(id)));
    assert.ok(customerOwn.has(customer.primaryKey) && customer.phoneAttribute === customer.primaryKey);
    assert.equal(shortIdOf('attributes', customer.primaryKey), 'phone_number');
  });

  it('resolves owners, state tasks and attribute groups', async () => {
    const owners: Record<string, Map<string, any>> = { procedure: byId('procedures'), entity: byId('entities'), stateTask: byId('stateTasks') };
    for (const key of ['attributes', 'derivedAttributes', 'attributeGroups']) {
      for (const object of config[key]) {
        assert.ok(owners[object.owner.kind]?.has(object.owner.id), `${key} ${object.shortId}: owner ${JSON.stringify(object.owner)} is present`);
      }
    }
    const [task] = config.stateTasks;
    const lead = byId('procedures').get(task.procedure);
    assert.equal(lead.shortId, 'lead');
    assert.equal(shortIdOf('taskTypes', task.taskType), 'call');
    assert.deepEqual(task.states.map((id: string) => lead.states.find((s: any) => s.id === id)?.shortId), ['NEW', 'IN_PROGRESS']);
    const taskOwn = ownedBy('attributes', task.id);
    assert.ok(task.attributes.every((id: string) => taskOwn.has(id)));
    assert.deepEqual(task.attributes.map((id: string) => shortIdOf('attributes', id)), ['call_disposition', 'next_call_time', 'remarks']);
    assert.ok(config.attributes.filter((a: any) => taskOwn.has(a.id)).every((a: any) => a.owner.kind === 'stateTask'));

    const [group] = config.attributeGroups;
    const fields = new Set([...ownedBy('attributes', group.owner.id), ...ownedBy('derivedAttributes', group.owner.id)]);
    assert.ok(group.attributes.every((id: string) => fields.has(id)));
    assert.deepEqual(group.attributes.map((id: string) => shortIdOf('attributes', id)), ['first_name', 'last_name', 'phone_number']);
  });

  it('lists every attribute type of CONFIG.md with its value type', async () => {
    assert.deepEqual(Object.fromEntries(config.attributeTypes.map((t: any) => [t.shortId, t.valueType])), VALUE_TYPES);
    assert.equal(config.attributeTypes.length, Object.keys(VALUE_TYPES).length, 'no type listed twice');
    for (const type of config.attributeTypes) assert.ok(typeof type.name === 'string' && type.name !== '', `${type.shortId} has a name`);
  });

  it('may be read by any role, and every role sees the same config', async () => {
    for (const token of [alpha.tokens.manager, alpha.tokens.user]) {
      const res = await client(server.url, token).get('/v1/ext/config');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body._data, config);
    }
  });

  it('shows a team only its own config: no id of another team appears', async () => {
    const res = await client(server.url, beta.tokens.user).get('/v1/ext/config');
    assert.equal(res.status, 200);
    const other = res.body._data;
    assert.deepEqual([other.team.id, other.team.slug], [beta.teamId, 'beta']);
    for (const key of Object.keys(EXTRA_FIELDS)) assert.ok(other[key].every((o: any) => o.team === beta.teamId), key);
    const alphaIds = uuidsIn(config);
    assert.ok(alphaIds.size >= 29, 'team alpha has ids to leak');
    const leaked = [...uuidsIn(other)].filter((id) => alphaIds.has(id));
    assert.deepEqual(leaked, []);
    assert.deepEqual(other.procedures.map((p: any) => p.shortId), ['lead'], 'same data model, its own objects');
  });

  it('refuses a missing or unknown token with 401', async () => {
    for (const token of [undefined, 'chk_not_a_real_token']) {
      const res = await call(server.url, 'GET', '/v1/ext/config', { token });
      assert.equal(res.status, 401);
      assert.deepEqual([res.body._data, res.body._meta.code], [[], 'UNAUTHORIZED']);
    }
  });
});
