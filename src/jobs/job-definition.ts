import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { QueueName } from './queues.ts';

/**
 * How a failed job is tried again:
 * - `attempts`: at most this many runs, waiting 1 s, 2 s, 4 s … (capped at 10 minutes) between.
 * - `windowMs`: runs again and again until this long after it was enqueued, the wait starting at
 *   `firstDelayMs` and doubling, with ±20 % jitter so failures that happened together do not
 *   retry together, up to `maxDelayMs`; the last run is at the end of the window.
 */
export type RetryPolicy =
  | { readonly attempts: number }
  | { readonly windowMs: number; readonly firstDelayMs: number; readonly maxDelayMs: number };

/** A kind of job: its name, the queue it runs on, the shape of its payload and how it retries. */
export interface JobDefinition<S extends TSchema = TSchema> {
  readonly name: string;
  readonly queue: QueueName;
  readonly payload: S;
  readonly retry: RetryPolicy;
  /** Checks a payload against `payload` (compiled once). */
  readonly check: (value: unknown) => value is Static<S>;
}

export function defineJob<S extends TSchema>(definition: Omit<JobDefinition<S>, 'check'>): JobDefinition<S> {
  const compiled = Compile(definition.payload);
  return { ...definition, check: (value: unknown): value is Static<S> => compiled.Check(value) };
}

/** Thrown by a handler when trying again cannot help (the job fails for good at once). */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Thrown at enqueue when a payload does not have its job kind's shape: a programming error. */
export class InvalidJobPayloadError extends Error {
  override name = 'InvalidJobPayloadError';
}
