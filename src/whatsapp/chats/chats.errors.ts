import { notFound, type AppError } from '../../shared/errors.ts';

/** Unknown, malformed and other teams' chat ids answer alike (API.md §0: never reveal which). */
export const chatNotFound = (): AppError => notFound('Chat not found');
