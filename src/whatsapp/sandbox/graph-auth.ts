/**
 * Graph API authentication: a bearer token in the Authorization header or, as Graph also
 * allows (and as Meta's `paging.next` links carry it), an `access_token` query parameter.
 * An unknown token is Meta's 190; an object the token's account does not own is Meta's
 * "object does not exist" 100, as if it were not there at all.
 */
import type { FastifyRequest } from 'fastify';
import type { PhoneOwner } from './account-registry.ts';
import { invalidToken, unknownObject } from './graph-errors.ts';
import type { SandboxCore } from './sandbox-core.ts';
import type { SandboxAccount } from './sandbox.types.ts';

export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : null;
  }
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.access_token === 'string' && query.access_token !== '' ? query.access_token : null;
}

/** The request's token, when some account uses it. */
export function requireToken(core: SandboxCore, request: FastifyRequest): string {
  const token = tokenOf(request);
  if (token === null || !core.accounts.isKnownToken(token)) throw invalidToken();
  return token;
}

export function requirePhone(core: SandboxCore, request: FastifyRequest, phoneNumberId: string): PhoneOwner {
  const token = requireToken(core, request);
  const owner = core.accounts.phone(phoneNumberId);
  if (!owner || owner.account.accessToken !== token) throw unknownObject(phoneNumberId, request.method);
  return owner;
}

export function requireAccount(core: SandboxCore, request: FastifyRequest, wabaId: string): SandboxAccount {
  const token = requireToken(core, request);
  const account = core.accounts.account(wabaId);
  if (!account || account.accessToken !== token) throw unknownObject(wabaId, request.method);
  return account;
}

/** The sandbox's own base URL, for the absolute links it hands out (paging, media). */
export function baseUrlOf(core: SandboxCore, request: FastifyRequest): string {
  return core.publicUrl ?? `${request.protocol}://${request.host}`;
}
