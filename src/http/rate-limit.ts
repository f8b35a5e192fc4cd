import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.ts';

/**
 * Per-API-key rate limit. @fastify/rate-limit counts in fixed windows; a two-second window of
 * 2 × `perSecond` requests averages `perSecond` and allows a burst of twice that, which is the
 * "50/s with a burst of 100" of API.md §1. Counters live in this process (see README, scaling).
 * Requests without a principal (public routes) are not counted.
 */
export async function installRateLimit(app: FastifyInstance, perSecond: number): Promise<void> {
  if (perSecond <= 0) return;
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: perSecond * 2,
    timeWindow: 2000,
    allowList: (request) => request.principal === null,
    keyGenerator: (request) => request.principal?.keyId ?? request.ip,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', 429, `Rate limit exceeded for this API key; retry in ${context.after}`),
  });
}
