import { AppError, badRequest, forbidden, unauthorized } from '../../shared/errors.ts';

/** One answer for a missing, malformed or forged signature and for an unknown plugin, so ids cannot be probed. */
export const badSignature = (): AppError => unauthorized('Missing or invalid X-Hub-Signature-256');
export const verificationRefused = (): AppError => forbidden('Webhook verification failed');
export const notJson = (cause?: unknown): AppError => badRequest('The body must be a JSON object (UTF-8)', cause);
export const bodyTooLarge = (limit: number): AppError => new AppError('PAYLOAD_TOO_LARGE', 413, `The body is larger than ${limit} bytes`);
