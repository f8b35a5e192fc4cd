import { tasksRoutes } from './tasks.routes.ts';
import { createTasksService, type TasksDeps } from './tasks.service.ts';

export type { TasksService } from './tasks.service.ts';
export { createPhotoVisibility } from './photo-visibility.ts';

export function createTasksModule(deps: TasksDeps) {
  const service = createTasksService(deps);
  return { service, routes: tasksRoutes(service) };
}
