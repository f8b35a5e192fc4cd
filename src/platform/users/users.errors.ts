import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';

export const invalidUserId = (): AppError => badRequest('userId: expected a UUID');
export const userNotFound = (): AppError => notFound('User not found');
export const updateForbidden = (): AppError => forbidden('Only ADMIN and MANAGER keys may update users');
export const outOfManagerReach = (roleType: string | null): AppError =>
  forbidden(`MANAGER keys may update USER and MANAGER users only; this user's role is ${roleType === null ? 'not set' : roleType}`);
export const roleChangeForbidden = (): AppError => forbidden('Only ADMIN keys may change a user\'s role');
export const unknownRole = (value: string): AppError => new AppError('VALIDATION_FAILED', 400, `role: unknown role "${value}"`);
export const unknownPod = (value: string): AppError => new AppError('VALIDATION_FAILED', 400, `pods: unknown pod "${value}"`);
export const invalidTimezone = (value: string): AppError =>
  new AppError('VALIDATION_FAILED', 400, `timezone: expected an offset like "+05:30" or an IANA zone name, got "${value}"`);
export const invalidPhone = (value: string): AppError =>
  new AppError('VALIDATION_FAILED', 400, `primaryPhone: expected 6 to 15 digits (with country code), got "${value}"`);
