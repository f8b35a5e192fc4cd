/**
 * The baselines the API is measured against, run as their own process like the real server:
 *   GET  /bare             a fixed process-shaped JSON: the framework's ceiling on this machine
 *   POST /lean-insert      one INSERT of the request's JSON, committed on its own: the storage
 *                          floor of a create, as the benchmark's brief defines it
 *   POST /lean-insert-grouped  the same INSERT through the Db handle's transactions, so SQLite's
 *                          group commit (one flush for concurrent writes) helps it as it helps
 *                          the API: shown beside, so no one mistakes what the ratio credits
 *   GET  /lean-select/:id  one SELECT by primary key: the storage floor of a fetch
 *   POST /lean-proxy       the request's body sent to the WhatsApp sandbox's messages endpoint
 *                          with the same HTTP client as the server (fetch), its answer returned:
 *                          the proxy floor of a send (needs SANDBOX_URL, SANDBOX_TOKEN, PHONE_NUMBER_ID)
 * Plain Fastify (no auth, schemas or hooks) over the same Db handle and settings as the server
 * (SQLite: WAL, synchronous=FULL, busy timeout; PostgreSQL: the same pool), on its own table.
 *
 * Env: PORT, HOST, LEAN_SQLITE_FILE or LEAN_DATABASE_URL, BARE_BODY (the JSON /bare answers).
 */
import Fastify from 'fastify';
import { openDatabase, type DatabaseTarget } from '../src/db/database.ts';
import { newId } from '../src/shared/ids.ts';
import { ensureLeanTable, insertLean, selectLean } from './lean-table.ts';

const env = process.env;
const target: DatabaseTarget = env.LEAN_DATABASE_URL
  ? { kind: 'postgres', url: env.LEAN_DATABASE_URL }
  : { kind: 'sqlite', file: env.LEAN_SQLITE_FILE ?? 'lean.db' };
const db = openDatabase(target);
await ensureLeanTable(db);

// Serialized once: the ceiling is Fastify answering, not JSON.stringify of a fixed object.
const bare = env.BARE_BODY ?? JSON.stringify({ _data: { id: 'bare' }, _meta: {} });

const app = Fastify({ logger: false });

app.get('/bare', async (_request, reply) => reply.type('application/json').send(bare));

app.post('/lean-insert', async (request) => {
  const id = newId();
  const createdAt = Date.now();
  await insertLean(db, id, request.body, createdAt);
  return { _data: { id, createdAt, data: request.body }, _meta: {} };
});

app.post('/lean-insert-grouped', async (request) => {
  const id = newId();
  const createdAt = Date.now();
  await db.transaction((tx) => insertLean(tx, id, request.body, createdAt));
  return { _data: { id, createdAt, data: request.body }, _meta: {} };
});

app.get<{ Params: { id: string } }>('/lean-select/:id', async (request, reply) => {
  const row = await selectLean(db, request.params.id);
  if (!row) return reply.code(404).send({ _data: [], _meta: { code: 'NOT_FOUND' }, _errors: ['not found'] });
  return { _data: row, _meta: {} };
});

app.post('/lean-proxy', async (request, reply) => {
  const answer = await fetch(`${env.SANDBOX_URL}/v21.0/${env.PHONE_NUMBER_ID}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.SANDBOX_TOKEN}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(request.body),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await answer.json()) as { messages?: { id: string }[] };
  return reply.code(answer.status).send({ _data: { whatsappMessageId: body.messages?.[0]?.id }, _meta: {} });
});

const stop = async () => {
  await app.close();
  await db.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

await app.listen({ host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 0) });
