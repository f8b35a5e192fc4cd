import { badRequest, notFound, type AppError } from '../../shared/errors.ts';

export const unknownStateTask = (shortId: string, procedure: string): AppError =>
  notFound(`Unknown state task '${shortId}' for procedure '${procedure}'`);
export const taskNotFound = (): AppError => notFound('Task not found');
export const invalidTaskId = (): AppError => badRequest('taskId: expected a UUID');
