import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { openDatabase, type RootDb } from '../../../src/db/database.ts';
import { migrateToLatest } from '../../../src/db/migrate.ts';
import { MIGRATIONS } from '../../../src/db/migrations/index.ts';
import { createProcessesRepo } from '../../../src/platform/processes/processes.repo.ts';
import { procedureTable } from '../../../src/platform/processes/process-tables.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.ts';

/** Brings a fresh database to the schema an earlier release made: its first `count` migrations. */
async function migrateFirst(db: RootDb, count: number): Promise<void> {
  const earlier: Record<string, Migration> = {};
  for (const [name, module] of MIGRATIONS.slice(0, count)) {
    earlier[name] = { up: (k: Kysely<any>) => module.up(k, db.dialect) };
  }
  const migrator = new Migrator({
    db: db.kysely,
    migrationTableSchema: await db.dialect.migrationSchema(db.kysely),
    provider: { getMigrations: async () => earlier },
  });
  const { error } = await migrator.migrateToLatest();
  assert.equal(error, undefined);
}

/**
 * Migrations are forward-only: a database made by an earlier release (the first four migrations,
 * as 0.1 shipped them) reaches the same schema as a new one.
 */
describe('migrating a database made by an earlier release', () => {
  let testDb: TestDatabase;
  let db: RootDb;

  before(async () => {
    testDb = await createTestDatabase();
    db = openDatabase(testDb.target);
    await migrateFirst(db, 4);
  });
  after(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('applies only the later migrations: the entry indexes of 0005, the shared processes table gone', async () => {
    assert.ok(await db.dialect.tableExists(db.kysely, 'processes'), 'the earlier schema is the starting point');
    assert.deepEqual(await migrateToLatest(db), MIGRATIONS.slice(4).map(([name]) => name));
    assert.deepEqual((await db.dialect.listIndexNames(db.kysely, 'background_job_entries', 'bg_entries_')).sort(), ['bg_entries_order', 'bg_entries_partition']);
    assert.equal(await db.dialect.tableExists(db.kysely, 'processes'), false);
    assert.deepEqual(await migrateToLatest(db), [], 'a second run has nothing to do');
  });
});

const T = 1_700_000_000_000;
const ids = {
  team: '01900000-0000-7000-8000-000000000001',
  lead: '01900000-0000-7000-8000-000000000002',
  deal: '01900000-0000-7000-8000-000000000003',
  score: '01900000-0000-7000-8000-000000000004',
  city: '01900000-0000-7000-8000-000000000005',
  double: '01900000-0000-7000-8000-000000000006',
  call: '01900000-0000-7000-8000-000000000007',
  p1: '01900000-0000-7000-8000-000000000011',
  p2: '01900000-0000-7000-8000-000000000012',
  p3: '01900000-0000-7000-8000-000000000013',
  d1: '01900000-0000-7000-8000-000000000014',
};
const stamp = { created_at: T, updated_at: T };
const hex = (id: string) => id.replace(/-/g, '');

/** What the previous release stored: config rows, processes in the shared table with its attribute indexes, history, a task. */
async function seedPreviousRelease(db: RootDb): Promise<void> {
  const k = db.kysely as unknown as Kysely<any>;
  await k.insertInto('teams').values({ id: ids.team, slug: 'acme', name: 'Acme', timezone: 'UTC', ...stamp }).execute();
  for (const [id, shortId] of [[ids.lead, 'lead'], [ids.deal, 'deal']]) {
    await k.insertInto('procedures').values({ id, team_id: ids.team, short_id: shortId, name: shortId, ...stamp }).execute();
  }
  const attribute = (id: string, shortId: string, type: string, position: number) =>
    ({ id, team_id: ids.team, short_id: shortId, name: shortId, owner_kind: 'procedure', owner_id: ids.lead, position, type, ...stamp });
  await k.insertInto('attributes').values([attribute(ids.score, 'score', 'integer', 0), attribute(ids.city, 'city', 'string', 1)]).execute();
  await k.insertInto('derived_attributes').values({ ...attribute(ids.double, 'double', 'integer', 0), expression: 'data.score * 2' }).execute();
  await k.insertInto('state_tasks').values({ id: ids.call, team_id: ids.team, short_id: 'call', name: 'Call', procedure_id: ids.lead, state_ids: '[]', ...stamp }).execute();
  // The attribute indexes the previous release made, on the shared table, partial by procedure.
  const index = (name: string, column: 'data' | 'derived_data', key: string, kind: 'number' | 'text') =>
    sql`create index ${sql.id(name)} on processes (${db.dialect.jsonValue(column, key, kind)}, created_at, id) where procedure_id = ${sql.lit(ids.lead)} and is_deleted = 0`.execute(k);
  await index(`pa_${hex(ids.score)}_n`, 'data', 'score', 'number');
  await index(`pa_${hex(ids.city)}_t`, 'data', 'city', 'text');
  await index(`pd_${hex(ids.double)}_n`, 'derived_data', 'double', 'number');
  const process = (id: string, procedureId: string, pk: string, data: object, deleted = 0) => ({
    id, team_id: ids.team, procedure_id: procedureId, status: 'OPEN', next_action_at: 0, completed_at: 0, data: JSON.stringify(data),
    derived_data: JSON.stringify({ double: ((data as { score?: number }).score ?? 0) * 2 }), pk_value: pk, is_deleted: deleted, deleted_at: deleted ? T : null, ...stamp,
  });
  await k.insertInto('processes').values([
    process(ids.p1, ids.lead, 'L-1', { score: 5, city: 'Goa' }),
    process(ids.p2, ids.lead, 'L-2', { score: 7, city: 'Pune' }),
    process(ids.p3, ids.lead, 'L-1', { score: 5, city: 'Goa' }, 1),
    process(ids.d1, ids.deal, 'D-1', { amount: 100 }),
  ]).execute();
  await k.insertInto('process_history').values([ids.p1, ids.p2, ids.p3, ids.d1].map((pid, i) => ({
    id: `01900000-0000-7000-8000-0000000001${String(i).padStart(2, '0')}`, team_id: ids.team, process_id: pid, action: 'create', changes: '{}', created_at: T,
  }))).execute();
  await k.insertInto('tasks').values({
    id: '01900000-0000-7000-8000-000000000201', team_id: ids.team, procedure_id: ids.lead, process_id: ids.p1, state_task_id: ids.call,
    status: 'OPEN', data: '{}', derived_data: '{}', ...stamp,
  }).execute();
}

describe('moving processes to a table per procedure (0006), from a database of the previous release', () => {
  let testDb: TestDatabase;
  let db: RootDb;

  before(async () => {
    testDb = await createTestDatabase();
    db = openDatabase(testDb.target);
    await migrateFirst(db, 5);
    await seedPreviousRelease(db);
    assert.deepEqual(await migrateToLatest(db), MIGRATIONS.slice(5).map(([name]) => name));
  });
  after(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('keeps every process, deleted ones included, in its procedure’s own table', async () => {
    const lead = await db.kysely.selectFrom(procedureTable(ids.lead)).selectAll().orderBy('id').execute();
    assert.deepEqual(lead.map((r) => [r.id, r.pk_value, r.is_deleted]), [[ids.p1, 'L-1', 0], [ids.p2, 'L-2', 0], [ids.p3, 'L-1', 1]]);
    assert.deepEqual(db.dialect.readJson(lead[1].data), { score: 7, city: 'Pune' });
    const deal = await db.kysely.selectFrom(procedureTable(ids.deal)).select('id').execute();
    assert.deepEqual(deal.map((r) => r.id), [ids.d1]);
    assert.equal(await db.dialect.tableExists(db.kysely, 'processes'), false);
  });

  it('keeps history and tasks, which no longer need the shared table', async () => {
    const history = await db.kysely.selectFrom('process_history').select('process_id').execute();
    assert.equal(history.length, 4);
    const tasks = await db.kysely.selectFrom('tasks').select(['process_id', 'procedure_id']).execute();
    assert.deepEqual(tasks.map((t) => [t.process_id, t.procedure_id]), [[ids.p1, ids.lead]]);
  });

  it('makes the attribute and root indexes again on the procedure’s table, under the same names', async () => {
    const table = procedureTable(ids.lead);
    const attributeIndexes = [...await db.dialect.listIndexNames(db.kysely, table, 'pa_'), ...await db.dialect.listIndexNames(db.kysely, table, 'pd_')].sort();
    assert.deepEqual(attributeIndexes, [`pa_${hex(ids.city)}_t`, `pa_${hex(ids.score)}_n`, `pd_${hex(ids.double)}_n`].sort());
    const root = await db.dialect.listIndexNames(db.kysely, table, `${table}_`);
    assert.ok(root.includes(`${table}_pk`) && root.includes(`${table}_created`), root.join(', '));
    assert.deepEqual(await db.dialect.listIndexNames(db.kysely, procedureTable(ids.deal), 'pa_'), []);
  });

  it('serves the moved processes: by id, by key, and in filtered lists', async () => {
    const repo = createProcessesRepo(db);
    assert.equal((await repo.findLive(ids.team, ids.lead, ids.p1))?.pk_value, 'L-1');
    assert.equal((await repo.findLiveByPk(ids.team, ids.lead, 'L-1'))?.id, ids.p1, 'the deleted holder of L-1 does not count');
    const page = await repo.list({
      teamId: ids.team, procedureId: ids.lead, visibleTo: null, skip: 0, limit: 10, sort: [],
      where: { kind: 'compare', field: { kind: 'attribute', source: 'data', shortId: 'score', valueKind: 'number', multi: false }, op: '=', value: 5 },
    });
    assert.deepEqual(page.rows.map((json) => JSON.parse(json).id), [ids.p1]);
  });
});
