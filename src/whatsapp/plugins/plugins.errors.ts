import { AppError, forbidden, notFound } from '../../shared/errors.ts';

export const pluginNotFound = (): AppError => notFound('WhatsApp plugin not found');
export const unknownTeam = (slug: string): AppError => notFound(`Unknown team "${slug}"`);
export const updateConfigForbidden = (): AppError => forbidden('Only ADMIN keys may change a plugin\'s settings');
export const invalidSettings = (problems: readonly string[]): AppError => new AppError('VALIDATION_FAILED', 400, problems);
