import { callingRoutes } from './calling.routes.ts';
import { createCallingService, type CallingDeps } from './calling.service.ts';

/** Calling pass-through (API.md §8.2a). */
export function createCallingModule(deps: CallingDeps) {
  const service = createCallingService(deps);
  return { service, routes: callingRoutes(service) };
}
