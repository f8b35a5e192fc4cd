import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { checkJsonText } from '../../http/request-checks.ts';
import type { JobEngine } from '../../jobs/index.ts';
import { newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import type { PluginsService } from '../plugins/index.ts';
import * as errors from './inbound.errors.ts';
import { INBOUND_EVENT_JOB } from './inbound.jobs.ts';
import { createInboundRepo } from './inbound.repo.ts';

export interface ReceiverDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly plugins: Pick<PluginsService, 'receiverKeysOf'>;
  readonly engine: JobEngine;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
/** Stands in for a missing app secret, so an unknown plugin costs the same work as a known one. */
const NO_SECRET = 'no app secret';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Meta's webhook calls (API.md §8.4, DESIGN.md "Inbound webhook"): the verification handshake,
 * and events checked against the plugin's app secret on their raw bytes, then kept with their
 * processing job in one transaction before the 200. Nothing else happens on this path.
 */
export function createInboundReceiver(deps: ReceiverDeps) {
  const { db, clock, plugins, engine } = deps;

  const keysOf = (pluginId: string) => plugins.receiverKeysOf(pluginId);

  return {
    /** The GET handshake: Meta's challenge back when the mode is `subscribe` and the token is the plugin's; else 403. */
    async verify(pluginId: string, mode: unknown, token: unknown, challenge: unknown): Promise<string> {
      const keys = await keysOf(pluginId);
      const expected = keys?.verifyToken ?? null;
      const given = typeof token === 'string' ? token : '';
      // Compared as digests: equal lengths whatever was sent, and no early exit.
      const same = timingSafeEqual(digest(given), digest(expected ?? `\u0000${given}`));
      if (mode !== 'subscribe' || expected === null || !same || typeof challenge !== 'string') throw errors.verificationRefused();
      return challenge;
    },

    /**
     * An event: the signature checked on the exact bytes (401 otherwise, unknown plugin alike),
     * then the body must be a UTF-8 JSON object (400, nothing kept). The same bytes sent again
     * (Meta retries) are neither kept nor processed twice.
     */
    async receive(pluginId: string, raw: Buffer, signature: string | undefined): Promise<void> {
      const keys = await keysOf(pluginId);
      const match = SIGNATURE.exec(signature ?? '');
      const expected = createHmac('sha256', keys?.appSecret ?? NO_SECRET).update(raw).digest();
      const valid = match !== null && timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
      if (!keys || keys.appSecret === null || !valid) throw errors.badSignature();
      const body = jsonText(raw);
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const id = pluginId.toLowerCase();
      await db.transaction(async (tx) => {
        const eventId = newId();
        const added = await createInboundRepo(tx).insertEvent({
          id: eventId, team_id: keys.teamId, plugin_id: id, body, sha256, received_at: clock(), processed_at: null,
        });
        if (added) {
          await engine.enqueue(tx, INBOUND_EVENT_JOB, { eventId, teamId: keys.teamId, pluginId: id }, { uniqueKey: `inbound:${id}:${sha256}` });
        }
      });
      engine.poke();
    },
  };
}

/**
 * The body as text when it is UTF-8 holding a JSON object the databases can store (no NUL, no
 * unpaired surrogate, not absurdly deep: the API's own JSON rules); else 400.
 */
function jsonText(raw: Buffer): string {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
    if (checkJsonText(text) !== null) throw errors.notJson();
    value = JSON.parse(text);
  } catch (error: unknown) {
    throw errors.notJson(error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw errors.notJson();
  return text;
}

export type InboundReceiver = ReturnType<typeof createInboundReceiver>;
