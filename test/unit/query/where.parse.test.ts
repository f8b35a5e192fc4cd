import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../src/shared/errors.ts';
import type { AttributeTypeName } from '../../../src/platform/attributes/attribute-types.ts';
import type { AttributeModel, DerivedAttributeModel, ProcedureModel, StateModel } from '../../../src/platform/procedures/procedure-model.ts';
import { parseWhere, WHERE_LIMITS, type WhereContext } from '../../../src/platform/query/where.parse.ts';
import type { FieldRef, WhereNode } from '../../../src/platform/query/where.types.ts';

const STATE_NEW = '0193a5b2-7c4d-7e8f-9a0b-000000000001';
const STATE_IN_PROGRESS = '0193a5b2-7c4d-7e8f-9a0b-000000000002';
const PRIYA = '0193a5b2-7c4d-7e8f-9a0b-0000000000a1';
const RAVI = '0193a5b2-7c4d-7e8f-9a0b-0000000000a2';
const PROCESS_ID = '0193a5b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b';

function state(id: string, shortId: string, position: number): StateModel {
  return { id, shortId, name: shortId, position };
}

function attribute(shortId: string, type: AttributeTypeName, options: string[] | null = null): AttributeModel {
  return { id: `attr-${shortId}`, shortId, name: shortId, type, required: false, options, autoGenerate: null, schema: null };
}

const fullName: DerivedAttributeModel = { id: 'd-1', shortId: 'full_name', name: 'Full name', type: 'string', expression: 'a & b' };
const states = [state(STATE_NEW, 'NEW', 0), state(STATE_IN_PROGRESS, 'IN_PROGRESS', 1)];
const attributes = [
  attribute('score', 'integer'),
  attribute('city', 'stringEnum', ['Pune', 'Delhi', "O'Hare"]),
  attribute('tags', 'multiStringEnum', ['hot', 'cold']),
  attribute('active', 'boolean'),
  attribute('born', 'datetime'),
  attribute('note', 'json'),
];
const procedure: ProcedureModel = {
  id: 'p-1', teamId: 't-1', shortId: 'lead', name: 'Lead', entity: null, primaryKey: null, primaryIdentifier: null,
  phoneAttribute: null, defaultStartState: states[0], defaultCompletedState: null,
  states: new Map(states.map((s) => [s.shortId, s])),
  statesById: new Map(states.map((s) => [s.id, s])),
  attributes: new Map(attributes.map((a) => [a.shortId, a])),
  derivedAttributes: new Map([[fullName.shortId, fullName]]),
  stateTasks: new Map(),
};

// Stand-ins for the injected collaborators: integers from numeric strings, enums by option, lists for multi.
function coerceAttribute(attr: AttributeModel, value: unknown, path: string) {
  const fail = { ok: false as const, message: `${path}: expected a ${attr.type} for '${attr.shortId}', got ${JSON.stringify(value)}` };
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  switch (attr.type) {
    case 'integer':
    case 'datetime':
      return Number.isInteger(number) ? { ok: true as const, value: number } : fail;
    case 'boolean':
      return value === true || value === 'true' ? { ok: true as const, value: true }
        : value === false || value === 'false' ? { ok: true as const, value: false } : fail;
    case 'stringEnum':
      return attr.options?.includes(value as string) ? { ok: true as const, value } : fail;
    case 'multiStringEnum': {
      const list = Array.isArray(value) ? value : [value];
      return list.every((v) => attr.options?.includes(v)) ? { ok: true as const, value: list } : fail;
    }
    default:
      return typeof value === 'string' ? { ok: true as const, value } : fail;
  }
}
const KINDS: Partial<Record<AttributeTypeName, 'number' | 'text' | 'boolean'>> = {
  integer: 'number', datetime: 'number', boolean: 'boolean', string: 'text', stringEnum: 'text', multiStringEnum: 'text',
};
const users = new Map([['priya', PRIYA], [PRIYA, PRIYA], ['ravi', RAVI]]);
const ctx: WhereContext = {
  procedure,
  timezone: '+05:30',
  coerceAttribute,
  comparisonKind: (type) => KINDS[type] ?? 'none',
  isMulti: (type) => type.startsWith('multi'),
  resolveUser: async (value) => users.get(value) ?? null,
};

const root = (field: string, valueKind: string) => ({ kind: 'root', field, valueKind }) as FieldRef;
const data = (shortId: string, valueKind: string, multi = false) =>
  ({ kind: 'attribute', source: 'data', shortId, valueKind, multi }) as FieldRef;
const STATUS = root('status', 'text');
const SCORE = data('score', 'number');
const TAGS = data('tags', 'text', true);
const and = (...children: WhereNode[]): WhereNode => ({ kind: 'and', children });
const eq = (field: FieldRef, value: string | number | boolean, op = '='): WhereNode =>
  ({ kind: 'compare', field, op, value }) as WhereNode;

async function refused(where: unknown, messages: string[], context: WhereContext = ctx): Promise<void> {
  await assert.rejects(parseWhere(where, context), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'INVALID_QUERY');
    assert.equal(error.status, 400);
    assert.deepEqual(error.messages, messages);
    return true;
  });
}

describe('where: shape', () => {
  it('matches everything when absent, null or empty', async () => {
    for (const where of [undefined, null, {}]) assert.deepEqual(await parseWhere(where, ctx), and());
  });

  it('refuses a where that is not an object', async () => {
    await refused([], ['where: expected a query object, got an array']);
    await refused('OPEN', ['where: expected a query object, got "OPEN"']);
    await refused(5, ['where: expected a query object, got 5']);
  });

  it('combines the keys of one object with AND, and reads or/and lists', async () => {
    const parsed = await parseWhere({ status: 'OPEN', or: [{ score: 5 }, { city: 'Pune' }], and: [{ active: true }] }, ctx);
    assert.deepEqual(parsed, and(
      eq(STATUS, 'OPEN'),
      { kind: 'or', children: [and(eq(SCORE, 5)), and(eq(data('city', 'text'), 'Pune'))] },
      { kind: 'and', children: [and(eq(data('active', 'boolean'), true))] },
    ));
  });

  it('refuses or/and that are not lists of query objects', async () => {
    await refused({ or: { score: 1 } }, ['where.or: expected an array of query objects, got an object']);
    await refused({ and: [{ score: 1 }, 'x', [1]] }, [
      'where.and[1]: expected a query object, got "x"',
      'where.and[2]: expected a query object, got an array',
    ]);
  });
});

describe('where: root fields', () => {
  it('reads status and refuses other values', async () => {
    assert.deepEqual(await parseWhere({ status: 'COMPLETED' }, ctx), and(eq(STATUS, 'COMPLETED')));
    await refused({ status: 'DONE' }, ['where.status: expected one of OPEN, COMPLETED, CANCELLED, got "DONE"']);
  });

  it('turns a state shortId (or the state id) into the state id and names an unknown one', async () => {
    const STATE = root('state', 'text');
    assert.deepEqual(await parseWhere({ state: 'IN_PROGRESS' }, ctx), and(eq(STATE, STATE_IN_PROGRESS)));
    assert.deepEqual(await parseWhere({ state: STATE_NEW }, ctx), and(eq(STATE, STATE_NEW)));
    await refused({ or: [{}, { state: 'WON' }] }, ["where.or[1].state: unknown state \"WON\" for procedure 'lead'"]);
  });

  it('reads timestamps as epoch ms, numeric strings or ISO-8601 (no offset: the team timezone)', async () => {
    const at = Date.UTC(2023, 8, 1, 0, 57, 30);
    const parsed = await parseWhere({
      createdAt: { '>': '2023-09-01T06:27:30+05:30', '<': '2023-09-01T06:27:30' },
      updatedAt: String(at),
      nextActionAt: { '>=': at },
    }, ctx);
    assert.deepEqual(parsed, and(
      eq(root('createdAt', 'number'), at, '>'), eq(root('createdAt', 'number'), at, '<'),
      eq(root('updatedAt', 'number'), at), eq(root('nextActionAt', 'number'), at, '>='),
    ));
    await refused({ createdAt: 'yesterday' }, ['where.createdAt: expected epoch milliseconds or an ISO-8601 datetime, got "yesterday"']);
    await refused({ createdAt: true }, ['where.createdAt: expected epoch milliseconds or an ISO-8601 datetime, got true']);
  });

  it('resolves assignedTo and createdBy from a username or UUID; null means unassigned', async () => {
    const ASSIGNED = root('assignedTo', 'text');
    assert.deepEqual(await parseWhere({ assignedTo: 'priya', createdBy: PRIYA }, ctx),
      and(eq(ASSIGNED, PRIYA), eq(root('createdBy', 'text'), PRIYA)));
    assert.deepEqual(await parseWhere({ assignedTo: null }, ctx), and({ kind: 'null', field: ASSIGNED, negate: false }));
    assert.deepEqual(await parseWhere({ assignedTo: ['ravi', 'priya'] }, ctx), and({ kind: 'in', field: ASSIGNED, values: [RAVI, PRIYA] }));
    await refused({ assignedTo: 'ghost', createdBy: 7 }, [
      'where.assignedTo: unknown user "ghost"',
      'where.createdBy: expected a username or user UUID, got 7',
    ]);
  });

  it('reads ids as UUIDs (lower-cased) and refuses anything else', async () => {
    assert.deepEqual(await parseWhere({ id: PROCESS_ID.toUpperCase() }, ctx), and(eq(root('id', 'text'), PROCESS_ID)));
    await refused({ id: 'LEAD-1' }, ['where.id: expected a UUID, got "LEAD-1"']);
  });

  it('allows ordering only on timestamps', async () => {
    await refused({ status: { '>': 'OPEN' }, state: { '<=': 'NEW' }, assignedTo: { '<': 'priya' }, createdBy: { '>=': 'ravi' }, id: { '>': PROCESS_ID } }, [
      `where.status[">"]: '>' cannot be used on 'status' (use =, != or an array)`,
      `where.state["<="]: '<=' cannot be used on 'state' (use =, != or an array)`,
      `where.assignedTo["<"]: '<' cannot be used on 'assignedTo' (use =, != or an array)`,
      `where.createdBy[">="]: '>=' cannot be used on 'createdBy' (use =, != or an array)`,
      `where.id[">"]: '>' cannot be used on 'id' (use =, != or an array)`,
    ]);
  });
});

describe('where: attributes', () => {
  it('coerces values through the attribute coercion, derived attributes included', async () => {
    const parsed = await parseWhere({ score: '105', born: { '<': '1700000000000' }, full_name: 'Ted Mosby' }, ctx);
    assert.deepEqual(parsed, and(
      eq(SCORE, 105), eq(data('born', 'number'), 1700000000000, '<'),
      eq({ kind: 'attribute', source: 'derivedData', shortId: 'full_name', valueKind: 'text', multi: false }, 'Ted Mosby'),
    ));
  });

  it('reports coercion failures with their path, adding it when the coercion leaves it out', async () => {
    await refused({ or: [{ score: 1 }, { score: 'ten' }] }, [`where.or[1].score: expected a integer for 'score', got "ten"`]);
    const terse: WhereContext = { ...ctx, coerceAttribute: () => ({ ok: false, message: 'not a number' }) };
    await refused({ score: { '>': 'x' } }, ['where.score[">"]: not a number'], terse);
  });

  it('refuses attributes whose type cannot be filtered, and unknown fields by name', async () => {
    await refused({ note: 'x' }, ["where.note: attribute 'note' of type json cannot be filtered"]);
    await refused({ colour: 'red' }, ["Unknown field 'colour' in where for procedure 'lead'"]);
    await refused({ or: [{}, { colour: 'red' }] }, ["Unknown field 'colour' in where.or[1] for procedure 'lead'"]);
    await refused(JSON.parse('{"__proto__": 1, "constructor": 2}'), [
      "Unknown field '__proto__' in where for procedure 'lead'",
      "Unknown field 'constructor' in where for procedure 'lead'",
    ]);
  });

  it('collects several problems in one answer', async () => {
    await refused({ colour: 1, status: 'DONE', size: 2 }, [
      "Unknown field 'colour' in where for procedure 'lead'",
      'where.status: expected one of OPEN, COMPLETED, CANCELLED, got "DONE"',
      "Unknown field 'size' in where for procedure 'lead'",
    ]);
  });

  it('compares one element of a multi-valued attribute ("contains"), with = != and arrays only', async () => {
    const parsed = await parseWhere({ tags: 'hot', and: [{ tags: { '!=': 'cold' } }, { tags: ['hot', 'cold'] }] }, ctx);
    assert.deepEqual(parsed, and(eq(TAGS, 'hot'), {
      kind: 'and',
      children: [and(eq(TAGS, 'cold', '!=')), and({ kind: 'in', field: TAGS, values: ['hot', 'cold'] })],
    }));
    await refused({ tags: { '>': 'hot' } }, [`where.tags[">"]: '>' cannot be used on 'tags' (use =, != or an array)`]);
    await refused({ tags: 'warm' }, [`where.tags: expected a multiStringEnum for 'tags', got "warm"`]);
  });

  it('refuses ordering on booleans but allows it on numbers', async () => {
    assert.deepEqual(await parseWhere({ score: { '>=': 1, '<': '9' } }, ctx), and(eq(SCORE, 1, '>='), eq(SCORE, 9, '<')));
    await refused({ active: { '>': true } }, [`where.active[">"]: '>' cannot be used on 'active' (use =, != or an array)`]);
  });

  it('keeps quotes, SQL keywords and unicode as plain data', async () => {
    for (const text of [`O'Brien"; DROP TABLE processes; --`, '日本語 🚀 ünïcödé', "' OR 1=1 --"]) {
      const FULL = { kind: 'attribute', source: 'derivedData', shortId: 'full_name', valueKind: 'text', multi: false } as FieldRef;
      assert.deepEqual(await parseWhere({ full_name: text }, ctx), and(eq(FULL, text)));
    }
    assert.deepEqual(await parseWhere({ city: ["O'Hare"] }, ctx), and({ kind: 'in', field: data('city', 'text'), values: ["O'Hare"] }));
  });
});

describe('where: right-hand sides', () => {
  it('reads null, = null and != null as null tests, and refuses ordering with null', async () => {
    assert.deepEqual(await parseWhere({ score: null, city: { '=': null }, born: { '!=': null } }, ctx), and(
      { kind: 'null', field: SCORE, negate: false },
      { kind: 'null', field: data('city', 'text'), negate: false },
      { kind: 'null', field: data('born', 'number'), negate: true },
    ));
    await refused({ score: { '>': null } }, [`where.score[">"]: '>' cannot compare with null`]);
  });

  it('reads an array as "one of", each element coerced; [] matches nothing', async () => {
    assert.deepEqual(await parseWhere({ score: ['1', 2] }, ctx), and({ kind: 'in', field: SCORE, values: [1, 2] }));
    assert.deepEqual(await parseWhere({ score: [] }, ctx), and({ kind: 'or', children: [] }));
    await refused({ city: ['Pune', null, { a: 1 }, 'Mars'] }, [
      'where.city[1]: null is not allowed in an array (use "or" with "= null")',
      'where.city[2]: expected a string, number, boolean or null, got an object',
      `where.city[3]: expected a stringEnum for 'city', got "Mars"`,
    ]);
  });

  it('refuses empty operator objects, unknown operators and non-scalar operator values', async () => {
    await refused({ score: {} }, ['where.score: an operator object needs at least one of =, !=, >, >=, <, <=']);
    await refused({ score: { like: 1, '>': 2, $gt: 3 } }, [
      "where.score: unknown operator 'like' (use =, !=, >, >=, <, <=)",
      "where.score: unknown operator '$gt' (use =, !=, >, >=, <, <=)",
    ]);
    await refused({ score: { '=': [1, 2] } }, ['where.score["="]: expected a string, number, boolean or null, got an array']);
  });
});

describe('where: limits', () => {
  const nest = (depth: number): Record<string, unknown> => (depth === 1 ? { status: 'OPEN' } : { or: [nest(depth - 1)] });

  it(`nests up to ${WHERE_LIMITS.maxDepth} levels and refuses one more`, async () => {
    const parsed = await parseWhere(nest(8), ctx);
    let node = parsed;
    for (let level = 1; level < 8; level += 1) {
      assert.equal(node.kind, 'and');
      node = (node as { children: WhereNode[] }).children[0];
      assert.equal(node.kind, 'or');
      node = (node as { children: WhereNode[] }).children[0];
    }
    assert.deepEqual(node, and(eq(STATUS, 'OPEN')));
    await refused(nest(9), [`where${'.or[0]'.repeat(8)}: a query may nest at most 8 levels deep`]);
  });

  it(`holds up to ${WHERE_LIMITS.maxConditions} conditions and refuses one more`, async () => {
    const ranges = (n: number) => Array.from({ length: n }, () => ({ score: { '>': 1, '<': 5 } }));
    const parsed = await parseWhere({ or: ranges(100) }, ctx);
    assert.equal((parsed as { children: WhereNode[] }).children.length, 1);
    await refused({ or: ranges(100), status: 'OPEN' }, ['where.status: a query may hold at most 200 conditions']);
    const alternatives = (n: number) => Array.from({ length: n }, (_, i) => ({ score: i }));
    await parseWhere({ or: alternatives(200) }, ctx);
    await refused({ or: alternatives(201) }, ['where.or: a query may hold at most 200 conditions']);
  });

  it('counts an array as one condition and caps it at 200 values', async () => {
    const values = Array.from({ length: 200 }, (_, i) => i);
    const parsed = await parseWhere({ or: [...Array.from({ length: 199 }, () => ({ score: 1 })), { score: values }] }, ctx);
    assert.equal(((parsed as any).children[0].children[199].children[0].values as number[]).length, 200);
    await refused({ score: [...values, 200] }, ['where.score: an array may hold at most 200 values']);
  });

  it('counts keys that fail, so a flood of unknown keys stops at the limit', async () => {
    const flood = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`x${i}`, 1]));
    await refused(flood, ['where.x200: a query may hold at most 200 conditions']);
  });
});
