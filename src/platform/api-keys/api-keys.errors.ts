import { AppError, notFound } from '../../shared/errors.ts';

export const unknownTeam = (slug: string): AppError => notFound(`Unknown team "${slug}"`);
export const unknownRole = (shortId: string): AppError => new AppError('BAD_REQUEST', 400, `Unknown role "${shortId}"`);
export const unknownUser = (username: string): AppError => new AppError('BAD_REQUEST', 400, `Unknown user "${username}"`);
export const inactiveUser = (username: string): AppError =>
  new AppError('BAD_REQUEST', 400, `User "${username}" is inactive or deleted; a key cannot act as them`);
export const unknownKey = (keyId: string): AppError => notFound(`Unknown API key "${keyId}"`);
export const emptyKeyName = (): AppError => new AppError('BAD_REQUEST', 400, 'A key needs a non-empty --name');
