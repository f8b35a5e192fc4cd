export { createJobEngine, LeaseLostError, type JobEngine, type JobContext, type JobHandler, type JobOutcome, type HandlerOptions, type EnqueueOptions } from './job-engine.ts';
export { defineJob, PermanentJobError, InvalidJobPayloadError, type JobDefinition, type RetryPolicy } from './job-definition.ts';
export { backoffMs, nextRunAt } from './backoff.ts';
export { QUEUE_NAMES, type QueueName } from './queues.ts';
