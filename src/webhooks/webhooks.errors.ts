import { forbidden, type AppError } from '../shared/errors.ts';

export const replayForbidden = (): AppError => forbidden('Only ADMIN and MANAGER keys may replay webhook deliveries');

/** Why a delivery cannot be attempted at all; the handler fails it for good with this as its error. */
export const NO_SIGNING_SECRET = 'the plugin has no webhookSecret: set one (config apply) and replay the delivery';
