/**
 * Time for the sandbox. Every delay it has (status webhooks, retries, template approval, added
 * latency, media link expiry) goes through an injectable clock and scheduler, so tests move time
 * forward instead of sleeping and the CLI uses the real thing.
 */
import type { Clock } from '../../shared/time.ts';

export type { Clock };

export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  /** Runs `task` once, `delayMs` from now (0 means "as soon as possible, not synchronously"). */
  schedule(task: () => void, delayMs: number): TimerHandle;
}

export const systemScheduler: Scheduler = {
  schedule(task, delayMs) {
    const timer = setTimeout(task, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * Wraps a scheduler so that everything it started can be cancelled at once: `reset` and
 * `close` must not leave webhooks firing into a test that already moved on.
 */
export class TrackedScheduler implements Scheduler {
  readonly #inner: Scheduler;
  readonly #live = new Set<TimerHandle>();

  constructor(inner: Scheduler) {
    this.#inner = inner;
  }

  schedule(task: () => void, delayMs: number): TimerHandle {
    const handle: TimerHandle = this.#inner.schedule(() => {
      this.#live.delete(handle);
      task();
    }, delayMs);
    const tracked = { cancel: () => { this.#live.delete(handle); handle.cancel(); } };
    this.#live.add(handle);
    return tracked;
  }

  /** Resolves after `ms` of scheduler time (immediately when ms <= 0). */
  delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.schedule(resolve, ms));
  }

  cancelAll(): void {
    for (const handle of this.#live) handle.cancel();
    this.#live.clear();
  }
}

interface ManualTask {
  readonly at: number;
  readonly order: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** A clock and scheduler that only move when told to: for tests. */
export interface ManualTime {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Moves time forward by `ms`, running every task that falls due, in time order. */
  advance(ms: number): Promise<void>;
  /** How many tasks are waiting. */
  pending(): number;
}

export function createManualTime(startMs = Date.UTC(2026, 0, 1)): ManualTime {
  let now = startMs;
  let order = 0;
  const tasks: ManualTask[] = [];
  const scheduler: Scheduler = {
    schedule(run, delayMs) {
      const task: ManualTask = { at: now + Math.max(0, delayMs), order: order++, run, cancelled: false };
      tasks.push(task);
      return { cancel: () => { task.cancelled = true; } };
    },
  };
  const nextDue = (limit: number): ManualTask | undefined => {
    const live = tasks.filter((t) => !t.cancelled && t.at <= limit);
    live.sort((a, b) => a.at - b.at || a.order - b.order);
    return live[0];
  };
  return {
    clock: () => now,
    scheduler,
    pending: () => tasks.filter((t) => !t.cancelled).length,
    async advance(ms) {
      const target = now + ms;
      for (let task = nextDue(target); task; task = nextDue(target)) {
        tasks.splice(tasks.indexOf(task), 1);
        now = Math.max(now, task.at);
        task.run();
        // Let the task's promise chains (a webhook being sent) take their next step.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      now = target;
    },
  };
}
