import { AppError } from '../../shared/errors.ts';

/** A `where` that cannot be read: every problem found, each naming its path in the query. */
export const invalidQuery = (messages: string | string[]): AppError => new AppError('INVALID_QUERY', 400, messages);
