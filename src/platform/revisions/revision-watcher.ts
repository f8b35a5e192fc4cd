import type { Db } from '../../db/database.ts';
import { createRevisionsRepo, type RevisionName } from './revisions.repo.ts';

export interface RevisionWatcher {
  /** The last revision seen, or -1 when unknown (then nothing may be cached). */
  current(name: RevisionName): number;
  /** Called whenever the named revision moves (or the watcher loses track of it). */
  onChange(name: RevisionName, listener: () => void): void;
  /** Reads the revisions once, then keeps polling every `pollMs`. */
  start(): Promise<void>;
  /** Reads now (used after a change made in this process, so its caches drop at once). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Lets in-memory caches (tokens, team config) be shared-nothing across processes: whoever changes
 * the underlying data bumps a revision in the same transaction, and every process polls the
 * revisions (one small query per interval, whatever the load) and drops what went stale. With
 * the default 400 ms, a change made by any process is seen everywhere within a second.
 */
export function createRevisionWatcher(db: Db, pollMs = 400): RevisionWatcher {
  const repo = createRevisionsRepo(db);
  const seen = new Map<RevisionName, number>();
  const listeners = new Map<RevisionName, (() => void)[]>();
  let timer: NodeJS.Timeout | undefined;

  const notify = (name: RevisionName) => {
    for (const listener of listeners.get(name) ?? []) listener();
  };

  async function refresh(): Promise<void> {
    let latest: Map<RevisionName, number>;
    try {
      latest = await repo.readAll();
    } catch (error: unknown) {
      // Losing track must not leave stale entries in use: forget everything until a read works.
      for (const name of [...seen.keys()]) {
        seen.set(name, -1);
        notify(name);
      }
      throw error;
    }
    for (const [name, revision] of latest) {
      if (seen.get(name) !== revision) {
        seen.set(name, revision);
        notify(name);
      }
    }
  }

  return {
    current: (name) => seen.get(name) ?? -1,
    onChange(name, listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
    },
    async start() {
      if (timer) return;
      await refresh();
      timer = setInterval(() => void refresh().catch(() => undefined), pollMs);
      timer.unref();
    },
    refresh,
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
