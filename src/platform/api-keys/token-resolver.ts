import type { Db } from '../../db/database.ts';
import type { Principal, TokenResolver } from '../../http/auth.ts';
import { sha256Hex } from '../../shared/crypto.ts';
import { createApiKeysRepo } from './api-keys.repo.ts';

const MAX_CACHED = 10_000;

export interface CachingTokenResolver {
  readonly resolve: TokenResolver;
  /** Starts watching for revocations; returns once the first revision is read. */
  start(): Promise<void>;
  stop(): void;
}

/**
 * Resolves bearer tokens to principals without a query on the hot path. Tokens are looked up by
 * their SHA-256, so no stored secret is ever compared and timing reveals nothing about a token.
 * Every `pollMs` the shared auth revision is read (one tiny query, whatever the load); when it
 * moved — a key was revoked, a user deactivated, a role changed, in this process or another —
 * the cache is dropped. With the default 400 ms a revocation is refused within a second.
 */
export function createTokenResolver(db: Db, options: { pollMs?: number } = {}): CachingTokenResolver {
  const repo = createApiKeysRepo(db);
  const cache = new Map<string, Principal>();
  let revision = -1;
  let timer: NodeJS.Timeout | undefined;

  async function refresh(): Promise<void> {
    const current = await repo.readAuthRevision();
    if (current !== revision) {
      cache.clear();
      revision = current;
    }
  }

  return {
    async resolve(token: string): Promise<Principal | null> {
      const hash = sha256Hex(token);
      const cached = cache.get(hash);
      if (cached) return cached;
      const seenRevision = revision;
      const principal = await repo.findPrincipalByTokenHash(hash);
      if (!principal) return null;
      // Cache only if no revocation was noticed while the query ran.
      if (timer !== undefined && revision === seenRevision) {
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
        cache.set(hash, principal);
      }
      return principal;
    },
    async start() {
      await refresh();
      timer = setInterval(() => {
        refresh().catch(() => {
          // A failed poll must not serve stale credentials: drop everything until it recovers.
          cache.clear();
          revision = -1;
        });
      }, options.pollMs ?? 400);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      cache.clear();
    },
  };
}
