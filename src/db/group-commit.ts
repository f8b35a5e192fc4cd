import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

interface Pending {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** At most this many transactions share one commit; more wait for the next. */
const MAX_GROUP = 64;

/**
 * Group commit, for a database with one writer whose commit costs a disk flush (SQLite with
 * synchronous=FULL: about a millisecond here, ten times the work of a small transaction).
 * Transactions requested while the writer is busy are run back to back inside ONE database
 * transaction, each in its own savepoint, and committed together: one flush for the group.
 *
 * Each caller still gets transaction semantics: its work runs alone (the group runs them one
 * after another), a failure rolls back to its savepoint without touching the others, and its
 * promise settles only after the group's commit — so nothing is reported done before it is
 * durable. If the commit itself fails, every member fails.
 */
export function createGroupCommitter(kysely: Kysely<Database>) {
  const queue: Pending[] = [];
  let scheduled = false;

  async function runGroup(group: Pending[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await kysely.transaction().execute(async (trx) => {
        for (const [i, member] of group.entries()) {
          const savepoint = sql.raw(`g${i}`);
          await sql`savepoint ${savepoint}`.execute(trx);
          try {
            outcomes.push({ ok: true, value: await member.work(trx) });
            await sql`release ${savepoint}`.execute(trx);
          } catch (error: unknown) {
            await sql`rollback to ${savepoint}`.execute(trx);
            await sql`release ${savepoint}`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error: unknown) {
      for (const member of group) member.reject(error);
      return;
    }
    group.forEach((member, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) member.resolve(outcome.value);
      else member.reject(outcome.error);
    });
  }

  function flush(): void {
    scheduled = false;
    while (queue.length > 0) void runGroup(queue.splice(0, MAX_GROUP));
  }

  return function transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        // Everything asked for in this turn of the event loop joins the same group.
        setImmediate(flush);
      }
    });
  };
}
