export { createJobEngine, LeaseLostError, type JobEngine, type JobContext, type JobHandler, type JobOutcome, type HandlerOptions } from './job-engine.ts';
export { backoffMs } from './backoff.ts';
