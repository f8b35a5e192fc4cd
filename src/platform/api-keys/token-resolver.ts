import type { Db } from '../../db/database.ts';
import type { Principal, TokenResolver } from '../../http/auth.ts';
import { sha256Hex } from '../../shared/crypto.ts';
import type { RevisionWatcher } from '../revisions/index.ts';
import { createApiKeysRepo } from './api-keys.repo.ts';

const MAX_CACHED = 10_000;

/**
 * Resolves bearer tokens to principals without a query on the hot path. Tokens are looked up by
 * their SHA-256, so no stored secret is ever compared and timing reveals nothing about a token.
 * The cache is dropped whenever the shared `auth` revision moves (a key revoked, a user
 * deactivated, a role changed — in this process or another), which the watcher notices within
 * its poll interval; so a revoked token is refused within a second everywhere.
 */
export function createTokenResolver(db: Db, watcher: RevisionWatcher): TokenResolver {
  const repo = createApiKeysRepo(db);
  const cache = new Map<string, Principal>();
  watcher.onChange('auth', () => cache.clear());

  async function load(hash: string): Promise<Principal | null> {
    const seenRevision = watcher.current('auth');
    const principal = await repo.findPrincipalByTokenHash(hash);
    if (!principal) return null;
    // Cache only while the revision is known and did not move during the query.
    if (seenRevision !== -1 && watcher.current('auth') === seenRevision) {
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
      cache.set(hash, principal);
    }
    return principal;
  }

  return (token: string) => {
    const hash = sha256Hex(token);
    return cache.get(hash) ?? load(hash);
  };
}
