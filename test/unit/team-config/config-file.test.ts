import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import {
  ATTRIBUTE_TYPE_NAMES,
  ATTRIBUTE_TYPES,
  isAttributeTypeName,
} from '../../../src/platform/attributes/attribute-types.ts';
import { parseConfigFile } from '../../../src/platform/team-config/config-file.ts';
import type { TeamConfigFile } from '../../../src/platform/team-config/config-file.types.ts';

type Doc = Record<string, any>;

// CONFIG.md's example without `plugins`.
const EXAMPLE = `
team:
  slug: acme
  name: Acme Inc
  timezone: "+05:30"
  defaultCountryCode: "91"
roles:
  - { shortId: admin, name: Admin, type: ADMIN }
  - { shortId: sales_manager, name: Sales Manager, type: MANAGER }
  - { shortId: inside_sales, name: Inside Sales Agent, type: USER }
pods:
  - { shortId: north, name: North }
users:
  - username: john
    firstName: John
    lastName: Doe
    email: john@acme.com
    phone: "919900112233"
    role: inside_sales
    pods: [north]
    manager: priya
  - { username: priya, firstName: Priya, email: priya@acme.com, role: sales_manager }
entities:
  - shortId: customer
    name: Customer
    primaryKey: phone_number
    phoneAttribute: phone_number
    attributes:
      - { shortId: phone_number, name: Phone, type: phone, required: true }
      - { shortId: email, name: Email, type: email }
procedures:
  - shortId: lead
    name: Lead
    entity: customer
    primaryKey: lead_id
    primaryIdentifier: first_name
    phoneAttribute: phone_number
    defaultStartState: NEW
    defaultCompletedState: CONVERTED
    states:
      - { shortId: NEW, name: New }
      - { shortId: IN_PROGRESS, name: In progress }
      - { shortId: CONVERTED, name: Converted }
      - { shortId: NOT_INTERESTED, name: Not interested }
    attributes:
      - { shortId: lead_id, name: Lead Id, type: stringId, autoGenerate: { prefix: "LEAD-", digits: 6 } }
      - { shortId: first_name, name: First name, type: name, required: true }
      - { shortId: last_name, name: Last name, type: name }
      - { shortId: phone_number, name: Phone, type: phone }
      - { shortId: score, name: Score, type: integer }
      - { shortId: city, name: City, type: stringEnum, options: [Pune, Delhi, Mumbai, Goa, Tokyo] }
      - { shortId: photo, name: Photo, type: photo }
    derivedAttributes:
      - { shortId: full_name, name: Full name, type: string, expression: "$join([data.first_name, data.last_name], ' ')" }
    attributeGroups:
      - { shortId: basics, name: Basics, attributes: [first_name, last_name, phone_number] }
    stateTasks:
      - shortId: call
        name: Call
        taskType: call
        states: [NEW, IN_PROGRESS]
        attributes:
          - { shortId: call_disposition, type: stringEnum, options: [RNR, INTERESTED, NOT_INTERESTED] }
          - { shortId: next_call_time, type: datetime }
          - { shortId: remarks, type: text }
taskTypes:
  - { shortId: call, name: Call }
  - { shortId: meeting, name: Meeting }
`;

/** A small valid file using every kind of object; indices below refer to it. */
function baseDoc(): Doc {
  return {
    team: { slug: 'acme' },
    roles: [{ shortId: 'admin', type: 'ADMIN' }, { shortId: 'agent', type: 'USER' }],
    pods: [{ shortId: 'north' }],
    taskTypes: [{ shortId: 'call' }],
    users: [
      { username: 'john', firstName: 'John', role: 'agent', pods: ['north'], manager: 'priya', email: 'john@acme.com' },
      { username: 'priya', firstName: 'Priya', role: 'admin', email: 'priya@acme.com' },
    ],
    entities: [
      {
        shortId: 'customer',
        primaryKey: 'phone_number',
        phoneAttribute: 'phone_number',
        attributes: [{ shortId: 'phone_number', type: 'phone' }, { shortId: 'photo', type: 'photo' }],
      },
    ],
    procedures: [
      {
        shortId: 'lead',
        entity: 'customer',
        primaryKey: 'lead_id',
        primaryIdentifier: 'first_name',
        phoneAttribute: 'phone',
        defaultCompletedState: 'DONE',
        states: [{ shortId: 'NEW' }, { shortId: 'DONE' }],
        attributes: [
          { shortId: 'lead_id', type: 'stringId', autoGenerate: { prefix: 'L-', digits: 6 } },
          { shortId: 'first_name', type: 'name' },
          { shortId: 'phone', type: 'phone' },
          { shortId: 'city', type: 'stringEnum', options: ['Pune', 'Goa'] },
          { shortId: 'meta', type: 'json', schema: { type: 'object' } },
        ],
        derivedAttributes: [{ shortId: 'label', type: 'string', expression: 'data.first_name' }],
        attributeGroups: [{ shortId: 'basics', attributes: ['first_name', 'label'] }],
        stateTasks: [
          { shortId: 'call_task', taskType: 'call', states: ['NEW'], attributes: [{ shortId: 'remarks', type: 'text' }] },
        ],
      },
    ],
  };
}

function parseDoc(doc: Doc, env: Record<string, string> = {}) {
  return parseConfigFile(stringify(doc), env);
}

function parsedFile(text: string, env: Record<string, string> = {}): TeamConfigFile {
  const result = parseConfigFile(text, env);
  assert.ok(result.ok, `expected a valid file, got ${JSON.stringify(result)}`);
  return result.file;
}

function problemsOf(result: ReturnType<typeof parseConfigFile>): string[] {
  assert.equal(result.ok, false, 'expected the file to be refused');
  return result.ok ? [] : result.problems;
}

describe('parseConfigFile: valid files', () => {
  it('parses CONFIG.md example and keeps what it says', () => {
    const file = parsedFile(EXAMPLE);
    assert.deepEqual(file.team, { slug: 'acme', name: 'Acme Inc', timezone: '+05:30', defaultCountryCode: '91' });
    assert.deepEqual(file.roles.map((r) => r.type), ['ADMIN', 'MANAGER', 'USER']);
    assert.deepEqual(file.users[0], {
      username: 'john', firstName: 'John', lastName: 'Doe', middleName: '', displayName: '',
      email: 'john@acme.com', phone: '919900112233', role: 'inside_sales', pods: ['north'],
      manager: 'priya', timezone: '', isActive: true,
    });
    const lead = file.procedures[0];
    assert.equal(lead.entity, 'customer');
    assert.deepEqual([lead.defaultStartState, lead.defaultCompletedState], ['NEW', 'CONVERTED']);
    assert.deepEqual(lead.attributes[0].autoGenerate, { prefix: 'LEAD-', digits: 6 });
    assert.deepEqual(lead.attributes[5].options, ['Pune', 'Delhi', 'Mumbai', 'Goa', 'Tokyo']);
    assert.equal(lead.derivedAttributes[0].expression, "$join([data.first_name, data.last_name], ' ')");
    assert.deepEqual(lead.stateTasks[0].states, ['NEW', 'IN_PROGRESS']);
    assert.deepEqual(file.taskTypes.map((t) => t.shortId), ['call', 'meeting']);
  });

  it('fills every default', () => {
    const file = parsedFile(stringify({
      team: { slug: 'acme' },
      users: [{ username: 'ann', firstName: 'Ann' }],
      procedures: [{ shortId: 'lead', states: [{ shortId: 'NEW' }, { shortId: 'DONE' }], attributes: [{ shortId: 'a', type: 'text' }] }],
    }));
    assert.deepEqual(file.team, { slug: 'acme', name: 'acme', timezone: '+00:00', defaultCountryCode: '' });
    assert.deepEqual([file.roles, file.pods, file.entities, file.taskTypes], [[], [], [], []]);
    assert.deepEqual(file.users[0], {
      username: 'ann', firstName: 'Ann', lastName: '', middleName: '', displayName: '', email: null,
      phone: null, role: null, pods: [], manager: null, timezone: '', isActive: true,
    });
    assert.deepEqual(file.procedures[0], {
      shortId: 'lead', name: 'lead', entity: null, primaryKey: null, primaryIdentifier: null,
      phoneAttribute: null, defaultStartState: 'NEW', defaultCompletedState: null,
      states: [{ shortId: 'NEW', name: 'NEW' }, { shortId: 'DONE', name: 'DONE' }],
      attributes: [{ shortId: 'a', name: 'a', type: 'text', required: false, options: null, autoGenerate: null, schema: null }],
      derivedAttributes: [], attributeGroups: [], stateTasks: [],
    });
  });

  it('reads JSON', () => {
    const file = parsedFile(JSON.stringify(baseDoc(), null, 2));
    assert.equal(file.procedures[0].attributes[4].type, 'json');
    assert.deepEqual(file.procedures[0].attributes[4].schema, { type: 'object' });
  });

  it('strips phone decoration, accepts unquoted numbers, and matches managers without case', () => {
    const doc = baseDoc();
    doc.team.defaultCountryCode = 91;
    doc.users[0].phone = '+91 (990) 011-2233';
    doc.users[0].manager = 'PRIYA';
    doc.users[1].phone = 919900112244;
    const file = parsedFile(stringify(doc));
    assert.equal(file.team.defaultCountryCode, '91');
    assert.deepEqual([file.users[0].phone, file.users[1].phone], ['919900112233', '919900112244']);
    assert.equal(file.users[0].manager, 'priya');
  });

  it('substitutes ${VAR} from env inside strings', () => {
    const doc = baseDoc();
    doc.team.name = '${TEAM_NAME} (${REGION})';
    doc.users[1].email = '${ADMIN_EMAIL}';
    const file = parsedFile(stringify(doc), { TEAM_NAME: 'Acme', REGION: 'EU', ADMIN_EMAIL: 'boss@acme.com' });
    assert.equal(file.team.name, 'Acme (EU)');
    assert.equal(file.users[1].email, 'boss@acme.com');
  });
});

describe('parseConfigFile: the whole file', () => {
  it('reports an unset variable with its path', () => {
    const doc = baseDoc();
    doc.team.name = '${TEAM_NAME}';
    doc.procedures[0].states[1].name = 'Done ${A} ${B}';
    assert.deepEqual(problemsOf(parseDoc(doc, { A: 'x' })), [
      'team.name: environment variable TEAM_NAME is not set',
      'procedures[0].states[1].name: environment variable B is not set',
    ]);
  });

  it('reports a YAML syntax error with line and column', () => {
    const problems = problemsOf(parseConfigFile('team:\n  slug: acme\nroles: [\n', {}));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^line \d+, column \d+: \S/);
  });

  it('reports a repeated key as a YAML error', () => {
    assert.match(problemsOf(parseConfigFile('team: {slug: a}\nteam: {slug: b}\n', {}))[0], /^line 2, column 1: Map keys must be unique/);
  });

  it('refuses empty and non-mapping documents', () => {
    assert.deepEqual(problemsOf(parseConfigFile('', {})), ['file: is empty; expected a mapping with at least a "team" key']);
    assert.deepEqual(problemsOf(parseConfigFile('# nothing\n', {})), ['file: is empty; expected a mapping with at least a "team" key']);
    assert.deepEqual(problemsOf(parseConfigFile('- a\n- b\n', {})), ['file: expected a mapping with at least a "team" key, got a list']);
    assert.deepEqual(problemsOf(parseConfigFile('"hello"', {})), ['file: expected a mapping with at least a "team" key, got a string']);
  });

  it('reports every problem at once', () => {
    const doc = baseDoc();
    doc.colour = 'blue';
    doc.roles[0].type = 'ROOT';
    doc.users[0].manager = 'bob';
    doc.procedures[0].attributes[3].type = 'strng';
    doc.procedures[0].derivedAttributes[0].expression = 'data.(';
    doc.entities[0].attributes[1].shortId = 'phone_number';
    assert.deepEqual(problemsOf(parseDoc(doc)).sort(), [
      'colour: unknown field',
      'entities[0].attributes[1].shortId: duplicate shortId "phone_number"',
      'procedures[0].attributes[3].type: unknown type "strng"',
      'procedures[0].derivedAttributes[0].expression: Expected ")" before end of expression at position 6',
      'roles[0].type: expected one of ADMIN, MANAGER, USER',
      'users[0].manager: unknown user "bob"',
    ]);
  });
});

describe('parseConfigFile: manager cycles', () => {
  it('refuses a user who manages themself', () => {
    const doc = baseDoc();
    doc.users[1].manager = 'priya';
    assert.deepEqual(problemsOf(parseDoc(doc)), ['users[1].manager: manager cycle: priya → priya']);
  });

  it('names every user of a longer cycle once, from the first in the file', () => {
    const doc = baseDoc();
    doc.users.push({ username: 'zed', firstName: 'Zed', manager: 'john' });
    doc.users[1].manager = 'zed';
    doc.users.unshift({ username: 'outsider', firstName: 'O', manager: 'priya' });
    assert.deepEqual(problemsOf(parseDoc(doc)), ['users[1].manager: manager cycle: john → priya → zed → john']);
  });
});

type Case = [string, (doc: Doc) => void, string];

const RULES: Case[] = [
  ['unknown top-level key', (d) => { d.colour = 1; }, 'colour: unknown field'],
  ['unknown nested key', (d) => { d.procedures[0].colour = 'red'; }, 'procedures[0].colour: unknown field'],
  ['unknown key deep down', (d) => { d.procedures[0].attributes[0].autoGenerate.width = 3; }, 'procedures[0].attributes[0].autoGenerate.width: unknown field'],
  ['team missing', (d) => { delete d.team; }, 'team: is required'],
  ['team not a mapping', (d) => { d.team = 'acme'; }, 'team: expected a mapping, got a string'],
  ['team.slug missing', (d) => { delete d.team.slug; }, 'team.slug: is required'],
  ['team.slug upper-case', (d) => { d.team.slug = 'Acme'; }, 'team.slug: expected a lower-case letter or digit, then up to 62 lower-case letters, digits, "_" or "-", got "Acme"'],
  ['team.timezone unknown', (d) => { d.team.timezone = 'Mars/Olympus'; }, 'team.timezone: unknown timezone "Mars/Olympus" (expected an offset like "+05:30" or an IANA name)'],
  ['team.defaultCountryCode too long', (d) => { d.team.defaultCountryCode = '12345'; }, 'team.defaultCountryCode: expected 1 to 4 digits or "", got "12345"'],
  ['list of the wrong kind', (d) => { d.roles = { admin: 'ADMIN' }; d.users[0].role = null; d.users[1].role = null; }, 'roles: expected a list, got a mapping'],
  ['item of the wrong kind', (d) => { d.pods[0] = 'north'; d.users[0].pods = []; }, 'pods[0]: expected a mapping, got a string'],
  ['role type', (d) => { d.roles[0].type = 'admin'; }, 'roles[0].type: expected one of ADMIN, MANAGER, USER'],
  ['role type missing', (d) => { delete d.roles[1].type; }, 'roles[1].type: is required'],
  ['shortId missing', (d) => { delete d.taskTypes[0].shortId; d.procedures[0].stateTasks[0].taskType = null; }, 'taskTypes[0].shortId: is required'],
  ['shortId malformed', (d) => { d.pods[0].shortId = 'north-1'; d.users[0].pods = []; }, 'pods[0].shortId: expected a letter, then up to 62 letters, digits or underscores, got "north-1"'],
  ['shortId not a string', (d) => { d.procedures[0].states[1].shortId = 7; d.procedures[0].defaultCompletedState = null; }, 'procedures[0].states[1].shortId: expected a string, got an integer'],
  ['name empty', (d) => { d.roles[0].name = ' '; }, 'roles[0].name: must not be empty'],
  ['duplicate role', (d) => { d.roles[1].shortId = 'admin'; d.users[0].role = 'admin'; }, 'roles[1].shortId: duplicate shortId "admin"'],
  ['duplicate pod', (d) => { d.pods.push({ shortId: 'north' }); }, 'pods[1].shortId: duplicate shortId "north"'],
  ['duplicate task type', (d) => { d.taskTypes.push({ shortId: 'call', name: 'Again' }); }, 'taskTypes[1].shortId: duplicate shortId "call"'],
  ['duplicate entity', (d) => { d.entities.push({ shortId: 'customer' }); }, 'entities[1].shortId: duplicate shortId "customer"'],
  ['duplicate procedure', (d) => { d.procedures.push({ shortId: 'lead', states: [{ shortId: 'A' }] }); }, 'procedures[1].shortId: duplicate shortId "lead"'],
  ['duplicate state', (d) => { d.procedures[0].states.push({ shortId: 'NEW' }); }, 'procedures[0].states[2].shortId: duplicate shortId "NEW"'],
  ['duplicate attribute', (d) => { d.procedures[0].attributes.push({ shortId: 'city', type: 'text' }); }, 'procedures[0].attributes[5].shortId: duplicate shortId "city"'],
  ['duplicate derived attribute', (d) => { d.procedures[0].derivedAttributes.push({ shortId: 'label', type: 'text', expression: '1' }); }, 'procedures[0].derivedAttributes[1].shortId: duplicate shortId "label"'],
  ['duplicate attribute group', (d) => { d.procedures[0].attributeGroups.push({ shortId: 'basics' }); }, 'procedures[0].attributeGroups[1].shortId: duplicate shortId "basics"'],
  ['duplicate state task', (d) => { d.procedures[0].stateTasks.push({ shortId: 'call_task' }); }, 'procedures[0].stateTasks[1].shortId: duplicate shortId "call_task"'],
  ['duplicate entity attribute', (d) => { d.entities[0].attributes.push({ shortId: 'photo', type: 'text' }); }, 'entities[0].attributes[2].shortId: duplicate shortId "photo"'],
  ['duplicate state-task attribute', (d) => { d.procedures[0].stateTasks[0].attributes.push({ shortId: 'remarks', type: 'text' }); }, 'procedures[0].stateTasks[0].attributes[1].shortId: duplicate shortId "remarks"'],
  ['derived attribute named like an attribute', (d) => { d.procedures[0].derivedAttributes[0].shortId = 'city'; d.procedures[0].attributeGroups[0].attributes = []; }, 'procedures[0].derivedAttributes[0].shortId: "city" is already an attribute of this procedure'],
  ['unknown entity', (d) => { d.procedures[0].entity = 'client'; }, 'procedures[0].entity: unknown entity "client"'],
  ['unknown procedure primaryKey', (d) => { d.procedures[0].primaryKey = 'lead_no'; }, 'procedures[0].primaryKey: unknown attribute "lead_no"'],
  ['unknown primaryIdentifier', (d) => { d.procedures[0].primaryIdentifier = 'label'; }, 'procedures[0].primaryIdentifier: unknown attribute "label"'],
  ['unknown procedure phoneAttribute', (d) => { d.procedures[0].phoneAttribute = 'mobile'; }, 'procedures[0].phoneAttribute: unknown attribute "mobile"'],
  ['unknown entity primaryKey', (d) => { d.entities[0].primaryKey = 'email'; }, 'entities[0].primaryKey: unknown attribute "email"'],
  ['unknown entity phoneAttribute', (d) => { d.entities[0].phoneAttribute = 'mobile'; }, 'entities[0].phoneAttribute: unknown attribute "mobile"'],
  ['primary key of a wrong type', (d) => { d.procedures[0].primaryKey = 'city'; }, 'procedures[0].primaryKey: attribute "city" is of type stringEnum; a primary key must be of type string, stringId, integerId, integer, phone, email'],
  ['entity primary key of a wrong type', (d) => { d.entities[0].primaryKey = 'photo'; }, 'entities[0].primaryKey: attribute "photo" is of type photo; a primary key must be of type string, stringId, integerId, integer, phone, email'],
  ['unknown defaultStartState', (d) => { d.procedures[0].defaultStartState = 'OPEN'; }, 'procedures[0].defaultStartState: unknown state "OPEN"'],
  ['unknown defaultCompletedState', (d) => { d.procedures[0].defaultCompletedState = 'WON'; }, 'procedures[0].defaultCompletedState: unknown state "WON"'],
  ['procedure without states', (d) => { d.procedures[0].states = []; d.procedures[0].defaultCompletedState = null; d.procedures[0].stateTasks = []; }, 'procedures[0].states: a procedure needs at least one state'],
  ['procedure with states omitted', (d) => { delete d.procedures[0].states; delete d.procedures[0].defaultCompletedState; delete d.procedures[0].stateTasks; }, 'procedures[0].states: a procedure needs at least one state'],
  ['unknown task type', (d) => { d.procedures[0].stateTasks[0].taskType = 'visit'; }, 'procedures[0].stateTasks[0].taskType: unknown task type "visit"'],
  ['unknown state-task state', (d) => { d.procedures[0].stateTasks[0].states.push('WON'); }, 'procedures[0].stateTasks[0].states[1]: unknown state "WON"'],
  ['unknown attribute in a group', (d) => { d.procedures[0].attributeGroups[0].attributes.push('age'); }, 'procedures[0].attributeGroups[0].attributes[2]: unknown attribute "age"'],
  ['unknown type', (d) => { d.procedures[0].attributes[3].type = 'strng'; }, 'procedures[0].attributes[3].type: unknown type "strng"'],
  ['type missing', (d) => { delete d.entities[0].attributes[1].type; }, 'entities[0].attributes[1].type: is required'],
  ['unknown derived type', (d) => { d.procedures[0].derivedAttributes[0].type = 'str'; }, 'procedures[0].derivedAttributes[0].type: unknown type "str"'],
  ['required not a boolean', (d) => { d.procedures[0].attributes[1].required = 'yes'; }, 'procedures[0].attributes[1].required: expected true or false, got a string'],
  ['enum without options', (d) => { delete d.procedures[0].attributes[3].options; }, 'procedures[0].attributes[3].options: is required for type stringEnum'],
  ['enum with empty options', (d) => { d.procedures[0].attributes[3].options = []; }, 'procedures[0].attributes[3].options: expected a non-empty list, got an empty list'],
  ['string enum with a number', (d) => { d.procedures[0].attributes[3].options = ['Pune', 5]; }, 'procedures[0].attributes[3].options[1]: expected a string, got an integer'],
  ['integer enum with a fraction', (d) => { d.procedures[0].attributes[3] = { shortId: 'city', type: 'multiIntegerEnum', options: [1, 2.5] }; }, 'procedures[0].attributes[3].options[1]: expected an integer, got a number'],
  ['float enum with a string', (d) => { d.procedures[0].attributes[3] = { shortId: 'city', type: 'floatEnum', options: [1.5, '2'] }; }, 'procedures[0].attributes[3].options[1]: expected a number, got a string'],
  ['duplicate option', (d) => { d.procedures[0].attributes[3].options = ['Pune', 'Goa', 'Pune']; }, 'procedures[0].attributes[3].options[2]: duplicate option "Pune"'],
  ['options on a non-enum', (d) => { d.procedures[0].attributes[1].options = ['a']; }, 'procedures[0].attributes[1].options: only allowed on enum types, not on name'],
  ['autoGenerate on a non-stringId', (d) => { d.procedures[0].attributes[1].autoGenerate = { digits: 3 }; }, 'procedures[0].attributes[1].autoGenerate: only allowed on type stringId, not on name'],
  ['autoGenerate digits 0', (d) => { d.procedures[0].attributes[0].autoGenerate.digits = 0; }, 'procedures[0].attributes[0].autoGenerate.digits: expected an integer from 1 to 18, got 0'],
  ['autoGenerate digits 19', (d) => { d.procedures[0].attributes[0].autoGenerate.digits = 19; }, 'procedures[0].attributes[0].autoGenerate.digits: expected an integer from 1 to 18, got 19'],
  ['autoGenerate digits missing', (d) => { d.procedures[0].attributes[0].autoGenerate = { prefix: '' }; }, 'procedures[0].attributes[0].autoGenerate.digits: is required'],
  ['autoGenerate prefix not a string', (d) => { d.procedures[0].attributes[0].autoGenerate.prefix = 7; }, 'procedures[0].attributes[0].autoGenerate.prefix: expected a string, got an integer'],
  ['schema on a non-json type', (d) => { d.procedures[0].attributes[1].schema = { type: 'string' }; }, 'procedures[0].attributes[1].schema: only allowed on types json, externalObject, customObject, not on name'],
  ['schema not a mapping', (d) => { d.procedures[0].attributes[4].schema = 'object'; }, 'procedures[0].attributes[4].schema: expected a JSON Schema mapping, got a string'],
  ['schema with a typo keyword', (d) => { d.procedures[0].attributes[4].schema = { type: 'object', requird: ['a'] }; }, 'procedures[0].attributes[4].schema: strict mode: unknown keyword: "requird"'],
  ['empty expression', (d) => { d.procedures[0].derivedAttributes[0].expression = ''; }, 'procedures[0].derivedAttributes[0].expression: must not be empty'],
  ['expression missing', (d) => { delete d.procedures[0].derivedAttributes[0].expression; }, 'procedures[0].derivedAttributes[0].expression: is required'],
  ['expression syntax error', (d) => { d.procedures[0].derivedAttributes[0].expression = "$join([data.a, ' ')"; }, 'procedures[0].derivedAttributes[0].expression: Expected "]", got ")" at position 19'],
  ['username missing', (d) => { delete d.users[1].username; d.users[0].manager = null; }, 'users[1].username: is required'],
  ['username malformed', (d) => { d.users[1].username = 'pri ya'; d.users[0].manager = null; }, 'users[1].username: expected a letter or digit, then up to 63 letters, digits, "_", ".", "@" or "-", got "pri ya"'],
  ['duplicate username, any case', (d) => { d.users.push({ username: 'JOHN', firstName: 'J' }); }, 'users[2].username: duplicate username "JOHN"'],
  ['firstName missing', (d) => { delete d.users[0].firstName; }, 'users[0].firstName: is required'],
  ['email malformed', (d) => { d.users[0].email = 'john@acme'; }, 'users[0].email: expected an email address, got "john@acme"'],
  ['duplicate email, any case', (d) => { d.users[1].email = 'John@ACME.com'; }, 'users[1].email: duplicate email "John@ACME.com"'],
  ['phone too short', (d) => { d.users[0].phone = '+1 234'; }, 'users[0].phone: expected 6 to 15 digits (with optional "+", spaces, dashes, brackets), got "+1 234"'],
  ['phone with letters', (d) => { d.users[0].phone = '99001x2233'; }, 'users[0].phone: expected 6 to 15 digits (with optional "+", spaces, dashes, brackets), got "99001x2233"'],
  ['unknown role', (d) => { d.users[0].role = 'boss'; }, 'users[0].role: unknown role "boss"'],
  ['unknown pod', (d) => { d.users[0].pods.push('south'); }, 'users[0].pods[1]: unknown pod "south"'],
  ['unknown manager', (d) => { d.users[0].manager = 'bob'; }, 'users[0].manager: unknown user "bob"'],
  ['isActive not a boolean', (d) => { d.users[0].isActive = 'no'; }, 'users[0].isActive: expected true or false, got a string'],
  ['user timezone unknown', (d) => { d.users[0].timezone = 'Nowhere'; }, 'users[0].timezone: unknown timezone "Nowhere" (expected an offset like "+05:30" or an IANA name)'],
];

describe('parseConfigFile: each rule, with its path', () => {
  it('accepts the base document the rules start from', () => {
    const file = parsedFile(stringify(baseDoc()));
    assert.equal(file.procedures[0].defaultStartState, 'NEW');
  });

  for (const [name, mutate, expected] of RULES) {
    it(`refuses: ${name}`, () => {
      const doc = baseDoc();
      mutate(doc);
      assert.deepEqual(problemsOf(parseDoc(doc)), [expected]);
    });
  }

  it('refuses a schema Ajv cannot compile, with its message', () => {
    const doc = baseDoc();
    doc.procedures[0].attributes[4].schema = { type: 'strnig' };
    const problems = problemsOf(parseDoc(doc));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^procedures\[0\]\.attributes\[4\]\.schema: schema is invalid: data\/type must be/);
  });
});

describe('attribute type catalogue', () => {
  it('describes every type exactly once', () => {
    assert.deepEqual(Object.keys(ATTRIBUTE_TYPES).sort(), [...ATTRIBUTE_TYPE_NAMES].sort());
    assert.equal(new Set(ATTRIBUTE_TYPE_NAMES).size, 38);
  });

  it('marks enums, multi-valued, schema and autoGenerate types', () => {
    const where = (test: (name: (typeof ATTRIBUTE_TYPE_NAMES)[number]) => boolean) => ATTRIBUTE_TYPE_NAMES.filter(test);
    assert.deepEqual(where((n) => ATTRIBUTE_TYPES[n].enumOf !== undefined), [
      'stringEnum', 'integerEnum', 'floatEnum', 'multiStringEnum', 'multiIntegerEnum', 'multiFloatEnum',
    ]);
    assert.deepEqual(where((n) => ATTRIBUTE_TYPES[n].acceptsSchema), ['json', 'externalObject', 'customObject']);
    assert.deepEqual(where((n) => ATTRIBUTE_TYPES[n].acceptsAutoGenerate), ['stringId']);
    assert.ok(where((n) => ATTRIBUTE_TYPES[n].multi).every((n) => ATTRIBUTE_TYPES[n].valueType === 'array'));
    assert.equal(ATTRIBUTE_TYPES.multiIntegerEnum.name, 'Multi integer enum');
  });

  it('recognises type names and nothing inherited', () => {
    assert.equal(isAttributeTypeName('datetimeISO8601'), true);
    assert.equal(isAttributeTypeName('toString'), false);
    assert.equal(isAttributeTypeName(7), false);
  });
});
