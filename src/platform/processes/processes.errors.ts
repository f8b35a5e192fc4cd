import { AppError, badRequest, conflict, notFound } from '../../shared/errors.ts';
import type { Problems } from './process-data.ts';

export const invalidProcessId = (): AppError => badRequest('processId: expected a UUID');
export const processNotFound = (): AppError => notFound('Process not found');
export const notThePrimaryKey = (given: string, procedure: string, actual: string | undefined): AppError =>
  badRequest(actual === undefined
    ? `procedure '${procedure}' has no primary key, so processes cannot be addressed by '${given}'`
    : `'${given}' is not the primary key of procedure '${procedure}' (it is '${actual}')`);
export const primaryKeyTaken = (shortId: string, value: string, procedure: string): AppError =>
  conflict(`${shortId}: "${value}" is already used by another process of procedure '${procedure}'`);
export const queryTimedOut = (cause: unknown): AppError =>
  new AppError('QUERY_TIMEOUT', 503, 'The query ran past its time budget (QUERY_TIMEOUT_MS); narrow the filter or use an indexed attribute', { cause });
export const bulkNotAvailable = (): AppError =>
  new AppError('INTERNAL', 501, 'Bulk processing runs as a background job, which this server version does not have yet');

/** One error for everything wrong with a write; unknown attributes decide the code (API.md §0). */
export function problemsError(problems: Problems): AppError | null {
  if (problems.unknown.length > 0) return new AppError('UNKNOWN_ATTRIBUTE', 400, [...problems.unknown, ...problems.invalid]);
  if (problems.invalid.length > 0) return new AppError('VALIDATION_FAILED', 400, problems.invalid);
  return null;
}
