import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { isUuid } from '../../shared/ids.ts';
import { AppError } from '../../shared/errors.ts';
import type { SecretBox } from '../../shared/secret-box.ts';
import type { Clock } from '../../shared/time.ts';
import type { GraphTarget } from '../graph/graph-client.ts';
import type { SandboxLink } from './sandbox-link.ts';
import { createRevisionsRepo, type RevisionWatcher } from '../../platform/revisions/index.ts';
import { createConfigObjectsRepo, readWebhookSettings, SANDBOX_GRAPH_API_URL } from '../../platform/team-config/index.ts';
import { createTeamsRepo } from '../../platform/teams/index.ts';
import * as errors from './plugins.errors.ts';
import { SECRET_PURPOSE, settingsColumns, settingsOf, toPluginConfigWire, toPluginSummary, type PluginSummary } from './plugins.mapper.ts';
import { createPluginsRepo, type PhoneNumberRow, type PluginRow } from './plugins.repo.ts';
import type { UpdateConfigBody } from './plugins.schemas.ts';

export interface PluginsDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly sandbox: SandboxLink;
  /** Keeps the senders cache in step with config applied by any process. */
  readonly watcher: RevisionWatcher;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: webhook URLs may name loopback or private addresses. */
  readonly allowPrivateWebhookUrls?: boolean;
  /** This server's public base URL: a `sandbox:` plugin's account sends its webhooks to this server's receiver. */
  readonly publicUrl?: string;
}

/** A plugin as Meta's webhook receiver sees it: its team and its two webhook secrets, opened. */
export interface ReceiverKeys {
  readonly teamId: string;
  readonly appSecret: string | null;
  readonly verifyToken: string | null;
}

/** What a Graph API call on a plugin's behalf needs. */
export interface Account {
  readonly plugin: PluginRow;
  readonly target: GraphTarget;
}

/** An account and the business number a message goes out from. */
export interface Sender extends Account {
  readonly phoneNumberId: string;
}

export function createPluginsService(deps: PluginsDeps) {
  const { db, clock } = deps;
  const readJson = db.dialect.readJson;

  /** A plugin of the caller's team; any other id (another team's, malformed, unknown) is 404. */
  async function pluginOf(tx: Db, teamId: string, pluginId: string): Promise<PluginRow> {
    const row = isUuid(pluginId) ? await createPluginsRepo(tx).find(teamId, pluginId) : undefined;
    if (!row) throw errors.pluginNotFound();
    return row;
  }

  async function summaries(teamSlug: string): Promise<PluginSummary[]> {
    const team = await createTeamsRepo(db).findBySlug(teamSlug);
    if (!team) throw errors.unknownTeam(teamSlug);
    const repo = createPluginsRepo(db);
    const [rows, phones, procedures] = await Promise.all([
      repo.list(team.id), repo.phoneNumbers(team.id), createConfigObjectsRepo(db).list('procedures', team.id),
    ]);
    const shortIdOf = new Map(procedures.map((p) => [p.id, p.short_id]));
    return rows.map((row) => toPluginSummary(row, phones.filter((p) => p.plugin_id === row.id), shortIdOf.get(row.lead_procedure_id ?? '') ?? null, readJson));
  }

  /** The plugin's Graph API base and token; a `sandbox:` plugin's account is registered with the sandbox first. */
  async function targetOf(plugin: PluginRow, known?: readonly PhoneNumberRow[]): Promise<GraphTarget> {
    const accessToken = deps.secrets.open(SECRET_PURPOSE.accessToken, plugin.access_token);
    if (plugin.graph_api_url !== SANDBOX_GRAPH_API_URL) return { graphApiUrl: plugin.graph_api_url, accessToken };
    const phones = known ?? (await createPluginsRepo(db).phoneNumbers(plugin.team_id));
    const graphApiUrl = await deps.sandbox.urlFor({
      wabaId: plugin.waba_id, accessToken,
      ...(deps.publicUrl ? { callbackUrl: `${deps.publicUrl}/v1/webhooks/whatsapp/${plugin.id}` } : {}),
      appSecret: plugin.app_secret === null ? '' : deps.secrets.open(SECRET_PURPOSE.appSecret, plugin.app_secret),
      phoneNumbers: phones.filter((p) => p.plugin_id === plugin.id).map((p) => ({ id: p.phone_number_id, displayPhoneNumber: p.display_phone_number })),
    });
    return { graphApiUrl, accessToken };
  }

  /**
   * Sends look a plugin up on every request: its account (token opened, sandbox registered) and
   * numbers are kept in memory while the config revision stays where it was when they were read.
   */
  const senders = new Map<string, { revision: number; value: Promise<{ account: Account; phoneNumberIds: Set<string> }> }>();
  deps.watcher.onChange('config', () => senders.clear());
  function sendingAccount(teamId: string, pluginId: string) {
    const key = `${teamId}/${pluginId}`;
    const revision = deps.watcher.current('config');
    const cached = senders.get(key);
    if (cached && cached.revision === revision && revision !== -1) return cached.value;
    const value = (async () => {
      const plugin = await pluginOf(db, teamId, pluginId);
      const phones = (await createPluginsRepo(db).phoneNumbers(teamId));
      const own = phones.filter((p) => p.plugin_id === plugin.id);
      return { account: { plugin, target: await targetOf(plugin, own) }, phoneNumberIds: new Set(own.map((p) => p.phone_number_id)) };
    })();
    senders.set(key, { revision, value });
    value.catch(() => senders.delete(key));
    return value;
  }

  const openedWebhookSecrets = new Map<string, string>();

  // Meta may call hundreds of times a second: a plugin's receiver secrets are opened once per
  // config revision. Unknown ids are not kept (they would let anyone fill the memory).
  const receiverKeys = new Map<string, { revision: number; keys: Promise<ReceiverKeys | null> }>();
  deps.watcher.onChange('config', () => receiverKeys.clear());
  function receiverKeysOf(pluginId: string): Promise<ReceiverKeys | null> {
    if (!isUuid(pluginId)) return Promise.resolve(null);
    const id = pluginId.toLowerCase();
    const revision = deps.watcher.current('config');
    const cached = receiverKeys.get(id);
    if (cached && cached.revision === revision && revision !== -1) return cached.keys;
    const keys = createPluginsRepo(db).findForWebhook(id).then((row) => (row ? {
      teamId: row.team_id,
      appSecret: row.app_secret === null ? null : deps.secrets.open(SECRET_PURPOSE.appSecret, row.app_secret),
      verifyToken: row.verify_token === null ? null : deps.secrets.open(SECRET_PURPOSE.verifyToken, row.verify_token),
    } : null));
    keys.then((found) => (found ? receiverKeys.set(id, { revision, keys }) : receiverKeys.delete(id)), () => receiverKeys.delete(id));
    return keys;
  }

  /** Background work (deliveries, inbound events) reads a plugin per job: from memory while the config is unchanged. */
  async function pluginIfAny(teamId: string, pluginId: string): Promise<PluginRow | null> {
    if (!isUuid(pluginId)) return null;
    try {
      return (await sendingAccount(teamId, pluginId)).account.plugin;
    } catch (error: unknown) {
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    }
  }

  return {
    /** Get Plugin Config (API.md §8.4): any role of the team may read the settings. */
    async getConfig(principal: Principal, pluginId: string) {
      const row = await pluginOf(db, principal.teamId, pluginId);
      const phones = (await createPluginsRepo(db).phoneNumbers(principal.teamId)).filter((p) => p.plugin_id === row.id);
      return toPluginConfigWire(row, phones, readJson);
    },

    /**
     * Update Plugin Config: ADMIN keys only. Keys left out keep their value; an empty URL unsets
     * it. The result is checked whole (URLs, event names) before anything is written.
     */
    async updateConfig(principal: Principal, pluginId: string, body: UpdateConfigBody): Promise<{ success: true }> {
      return db.transaction(async (tx) => {
        const row = await pluginOf(tx, principal.teamId, pluginId);
        if (principal.roleType !== 'ADMIN') throw errors.updateConfigForbidden();
        const problems: string[] = [];
        const settings = readWebhookSettings({ ...settingsOf(row, readJson), ...body }, '', problems, { allowPrivateUrls: deps.allowPrivateWebhookUrls === true });
        if (problems.length > 0) throw errors.invalidSettings(problems);
        await createPluginsRepo(tx).update(principal.teamId, row.id, { ...settingsColumns(settings), updated_at: clock() });
        // Background work reads plugins through per-revision caches: every process must see the new URLs.
        await createRevisionsRepo(tx).bump('config');
        return { success: true as const };
      }).then(async (result) => {
        await deps.watcher.refresh();
        return result;
      });
    },

    /**
     * The plugin and business phone number a send goes through, with the plugin's Graph API
     * credentials: another team's plugin is 404, and so is a number that is not the plugin's
     * when the path names it (400 when a body field does).
     */
    async senderFor(teamId: string, pluginId: string, phoneNumberId: string, given: 'path' | 'body' = 'path'): Promise<Sender> {
      const { account, phoneNumberIds } = await sendingAccount(teamId, pluginId);
      if (!phoneNumberIds.has(phoneNumberId)) {
        throw given === 'path' ? errors.phoneNumberNotFound(phoneNumberId) : errors.phoneNumberNotOfPlugin(phoneNumberId);
      }
      return { ...account, phoneNumberId };
    },

    /**
     * The plugin of a WABA (template routes without a plugin id), or the named plugin, which
     * must then be that WABA's; 404 when the team has no such plugin.
     */
    async accountFor(teamId: string, wabaId: string, pluginId?: string): Promise<Account> {
      const plugin = pluginId ? await pluginOf(db, teamId, pluginId) : await createPluginsRepo(db).findByWaba(teamId, wabaId);
      if (!plugin || plugin.waba_id !== wabaId) throw errors.wabaNotFound(wabaId);
      return { plugin, target: await targetOf(plugin) };
    },

    /** The plugin a business phone number belongs to (calling routes name only the number); 404 when none of the team's. */
    async accountForPhoneNumber(teamId: string, phoneNumberId: string): Promise<Account> {
      const plugin = await createPluginsRepo(db).findByPhoneNumber(teamId, phoneNumberId);
      if (!plugin) throw errors.phoneNumberUnknown(phoneNumberId);
      return { plugin, target: await targetOf(plugin) };
    },

    /** The plugin a template id was seen through, or the named plugin; 404 when neither is known. */
    async accountForTemplate(teamId: string, templateId: string, pluginId?: string): Promise<Account> {
      const plugin = pluginId ? await pluginOf(db, teamId, pluginId) : await createPluginsRepo(db).findByTemplate(teamId, templateId);
      if (!plugin) throw errors.templateNotFound(templateId);
      return { plugin, target: await targetOf(plugin) };
    },

    /** Template ids seen through a plugin (listed or created), so an update can find it by id. */
    async rememberTemplates(teamId: string, pluginId: string, templateIds: readonly string[]): Promise<void> {
      await createPluginsRepo(db).rememberTemplates(teamId, pluginId, templateIds, clock());
    },

    /** Every plugin's account of the team (for calls that must ask each, such as media lookups). */
    async accountsOf(teamId: string): Promise<Account[]> {
      const repo = createPluginsRepo(db);
      const [rows, phones] = await Promise.all([repo.list(teamId), repo.phoneNumbers(teamId)]);
      return Promise.all(rows.map(async (plugin) => ({ plugin, target: await targetOf(plugin, phones) })));
    },

    /** 404 unless the plugin is one of the team's (before a route stores anything for it). */
    async requirePlugin(teamId: string, pluginId: string): Promise<void> {
      await pluginOf(db, teamId, pluginId);
    },

    /** The secret that signs the plugin's outbound webhooks; null when it has none or is not the team's. */
    async webhookSecretOf(teamId: string, pluginId: string): Promise<string | null> {
      const row = await pluginIfAny(teamId, pluginId);
      if (!row?.webhook_secret) return null;
      // Every delivery signs with it: opened once per sealed value rather than once per delivery.
      let secret = openedWebhookSecrets.get(row.webhook_secret);
      if (secret === undefined) {
        if (openedWebhookSecrets.size > 1000) openedWebhookSecrets.clear();
        secret = deps.secrets.open(SECRET_PURPOSE.webhookSecret, row.webhook_secret);
        openedWebhookSecrets.set(row.webhook_secret, secret);
      }
      return secret;
    },

    /** The team's plugin, or null (another team's, unknown, removed); read through the per-revision cache. */
    find: pluginIfAny,

    /** What Meta's webhook receiver checks a call against: the plugin's team and its secrets, opened; null when unknown. */
    receiverKeysOf,

    /** `chakra plugin list`. */
    list: summaries,

    /** `chakra plugin show`. */
    async show(teamSlug: string, pluginId: string): Promise<PluginSummary> {
      const found = (await summaries(teamSlug)).find((p) => p.id === pluginId);
      if (!found) throw errors.pluginNotFound();
      return found;
    },
  };
}

export type PluginsService = ReturnType<typeof createPluginsService>;
