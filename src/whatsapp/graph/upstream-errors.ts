import { AppError } from '../../shared/errors.ts';
import { GraphApiError, GraphTimeoutError, GraphUnreachableError, metaErrorLine } from './graph-errors.ts';

/**
 * A Graph API failure as this server answers it on its envelope routes (API.md §8.1): Meta's
 * HTTP status with `_errors: ["(#code) title"]` and Meta's error object in `_meta.error`; no
 * answer in time → 504; unreachable → 502. Anything else is passed on unchanged.
 */
export function upstreamError(error: unknown): unknown {
  if (error instanceof GraphApiError) {
    const status = error.status >= 400 && error.status <= 599 ? error.status : 502;
    return new AppError('UPSTREAM_ERROR', status, metaErrorLine(error), { cause: error, meta: { error: error.metaError ?? error.body } });
  }
  if (error instanceof GraphTimeoutError) {
    return new AppError('UPSTREAM_TIMEOUT', 504, 'The WhatsApp Graph API did not answer in time; the message may or may not have been sent, and was not sent again', { cause: error });
  }
  if (error instanceof GraphUnreachableError) return new AppError('UPSTREAM_UNAVAILABLE', 502, `The WhatsApp Graph API could not be reached: ${error.message}`, { cause: error });
  return error;
}
