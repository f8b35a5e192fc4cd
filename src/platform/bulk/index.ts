import type { JobEngine } from '../../jobs/index.ts';
import { bulkRoutes } from './bulk.routes.ts';
import { createBulkProcessor, type ProcessorDeps } from './bulk.processor.ts';
import { BULK_PARTITION_JOB, createBulkService, type BulkDeps } from './bulk.service.ts';

export type { BulkService } from './bulk.service.ts';

/** Bulk Create / Update: the request side, and the job handler that applies entries. */
export function createBulkModule(deps: BulkDeps & ProcessorDeps & { engine: JobEngine; bodyLimit: number }) {
  const service = createBulkService(deps);
  const processor = createBulkProcessor(deps);
  deps.engine.register(BULK_PARTITION_JOB, processor.handle, { onFailed: processor.onFailed });
  return { service, routes: bulkRoutes(service, deps.bodyLimit) };
}
