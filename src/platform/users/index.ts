import { usersRoutes } from './users.routes.ts';
import { createUsersService, type UsersDeps } from './users.service.ts';

export { createUsersRepo, type UsersRepo, type UserRow } from './users.repo.ts';
export { normalizePhone, type UsersService } from './users.service.ts';

export function createUsersModule(deps: UsersDeps) {
  const service = createUsersService(deps);
  return { service, routes: usersRoutes(service) };
}
