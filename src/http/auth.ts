import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { unauthorized } from '../shared/errors.ts';

import type { RoleType } from '../shared/roles.ts';

export type { RoleType };

/** Who is calling: resolved from the bearer token on every authenticated request. */
export interface Principal {
  readonly teamId: string;
  readonly keyId: string;
  /** The user the key acts as (its own service user when created without `--user`). */
  readonly userId: string;
  readonly roleId: string;
  readonly roleType: RoleType;
}

/** Answers from memory when it can (no promise on the hot path), else from the database. */
export type TokenResolver = (token: string) => Principal | null | Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a bearer token (health probes, docs, signed downloads). */
    public?: boolean;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Every route needs a valid bearer token unless its config says `public: true`. Unknown routes
 * answer 404 whatever the token, so probing paths reveals nothing about credentials.
 */
export function installAuth(app: FastifyInstance, resolveToken: TokenResolver): void {
  app.decorateRequest('principal', null);
  // Callback style: a cached token is resolved without a promise or a microtask.
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.is404 || request.routeOptions.config.public === true) return done();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) return done(unauthorized('Missing or malformed Authorization header (expected "Bearer <token>")'));
    const accept = (principal: Principal | null) => {
      if (!principal) return done(unauthorized('Invalid or revoked access token'));
      request.principal = principal;
      done();
    };
    const resolved = resolveToken(match[1]);
    if (resolved instanceof Promise) resolved.then(accept, done);
    else accept(resolved);
  });
}

/** The caller of an authenticated route (the auth hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}
