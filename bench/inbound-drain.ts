import { openDatabase, type DatabaseTarget } from '../src/db/database.ts';
import { leadTable } from './tables.ts';

/**
 * How far the server has come with the inbound events, read from its database on a connection of
 * the bench's own (reads only; SQLite's WAL lets them run beside the server's writes).
 */
export interface Counts {
  /** Raw events kept by the receiver, and those marked processed (in the transaction that applied them). */
  readonly events: number;
  readonly processed: number;
  /** Messages stored with direction INBOUND, each in its chat. */
  readonly messages: number;
  readonly chats: number;
  /** Processes of the lead procedure (one per customer phone, found again by phone). */
  readonly leads: number;
}

export interface Counter {
  counts(): Promise<Counts>;
  close(): Promise<void>;
}

export async function openCounter(target: DatabaseTarget): Promise<Counter> {
  const db = openDatabase(target);
  let leads: Awaited<ReturnType<typeof leadTable>> | null = null;
  const count = async (query: Promise<{ n: number | string | bigint } | undefined>): Promise<number> => Number((await query)?.n ?? 0);
  return {
    async counts() {
      // The lead procedure exists only once the team's file is applied.
      leads ??= await leadTable(db).catch(() => null);
      const events = await count(db.kysely.selectFrom('whatsapp_inbound_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
      const processed = await count(db.kysely.selectFrom('whatsapp_inbound_events').select((eb) => eb.fn.countAll<number>().as('n')).where('processed_at', 'is not', null).executeTakeFirst());
      const messages = await count(db.kysely.selectFrom('whatsapp_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('direction', '=', 'INBOUND').executeTakeFirst());
      const chats = await count(db.kysely.selectFrom('whatsapp_chats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
      const leadCount = leads === null ? 0 : await count(db.kysely.selectFrom(leads).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
      return { events, processed, messages, chats, leads: leadCount };
    },
    close: () => db.close(),
  };
}

export interface DrainTarget {
  readonly processed: number;
  readonly passThrough: number;
  readonly chakraMessages: number;
}

export interface DrainResult {
  /** Every accepted event processed and its pass-through delivery received. */
  readonly drained: boolean;
  /** From the call (the end of the burst) until then, the later of the two; null when it did not happen. */
  readonly seconds: number | null;
  readonly processedSeconds: number | null;
  readonly passThroughSeconds: number | null;
  /** The Chakra `message` events, reported beside (not part of the drain target). */
  readonly chakraSeconds: number | null;
}

const POLL_MS = 100;
/** After the drain, how long the Chakra events may still take before the run moves on. */
const CHAKRA_GRACE_MS = 10_000;

/** Polls until every count reaches its target (or the timeout), noting when each got there. */
export async function waitForDrain(
  current: () => Promise<{ processed: number; passThrough: number; chakraMessages: number }>, target: DrainTarget, timeoutSeconds: number,
): Promise<DrainResult> {
  const started = performance.now();
  const seconds = () => Math.round(performance.now() - started) / 1000;
  let processed: number | null = null;
  let passThrough: number | null = null;
  let chakra: number | null = null;
  let drainedAt: number | null = null;
  for (;;) {
    const now = await current();
    if (processed === null && now.processed >= target.processed) processed = seconds();
    if (passThrough === null && now.passThrough >= target.passThrough) passThrough = seconds();
    if (chakra === null && now.chakraMessages >= target.chakraMessages) chakra = seconds();
    if (drainedAt === null && processed !== null && passThrough !== null) drainedAt = performance.now();
    const elapsed = performance.now() - started;
    if (chakra !== null && drainedAt !== null) break;
    if (drainedAt !== null && performance.now() - drainedAt > CHAKRA_GRACE_MS) break;
    if (elapsed > timeoutSeconds * 1000) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const drained = processed !== null && passThrough !== null;
  return {
    drained, seconds: drained ? Math.max(processed ?? 0, passThrough ?? 0) : null,
    processedSeconds: processed, passThroughSeconds: passThrough, chakraSeconds: chakra,
  };
}
