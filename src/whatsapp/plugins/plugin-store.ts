import type { Db } from '../../db/database.ts';
import { conflict } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { SecretBox } from '../../shared/secret-box.ts';
import {
  DEFAULT_GRAPH_API_URL, EMPTY_WEBHOOK_SETTINGS, PLUGIN_SECRET_FIELDS,
  type PluginApplyContext, type PluginApplyResult, type PluginSecretField, type PluginSpec, type PluginStore,
} from '../../platform/team-config/index.ts';
import { createPluginsRepo, type PhoneNumberRow, type PluginRow } from './plugins.repo.ts';
import { SECRET_PURPOSE, settingsColumns, settingsOf } from './plugins.mapper.ts';

/** A plugin row as written: JSON columns as text. */
type PluginWrite = Omit<PluginRow, 'secret_refs' | 'chakra_webhook_events'> & { secret_refs: string; chakra_webhook_events: string };

const COLUMN_OF: Record<PluginSecretField, 'access_token' | 'app_secret' | 'verify_token' | 'webhook_secret'> = {
  accessToken: 'access_token', appSecret: 'app_secret', verifyToken: 'verify_token', webhookSecret: 'webhook_secret',
};

/**
 * The config file's `plugins:` (CONFIG.md) written to the plugin tables. Secrets are sealed
 * before they are stored; a secret is rewritten only when its value changed (or it was sealed
 * under a previous server key), so applying the same file twice reports nothing changed.
 */
export function createPluginStore(secrets: SecretBox): PluginStore {
  return {
    async apply(tx, teamId, plugins, context): Promise<PluginApplyResult> {
      const repo = createPluginsRepo(tx);
      const stored = new Map((await repo.list(teamId)).map((row) => [row.waba_id, row]));
      const result = { created: [] as string[], updated: [] as string[], deleted: [] as string[], unchanged: 0 };
      const idOfWaba = new Map<string, string>();
      for (const spec of plugins) {
        const before = stored.get(spec.wabaId);
        const row = pluginRow(spec, before, context, teamId, secrets, tx.dialect.readJson);
        idOfWaba.set(spec.wabaId, row.id);
        if (!before) {
          await repo.insert(row);
          result.created.push(`plugin ${spec.wabaId}`);
          continue;
        }
        const changed = changedColumns(before, row, tx.dialect.readJson);
        if (changed.length > 0) await repo.update(teamId, before.id, { ...pick(row, changed), updated_at: context.now });
        if (changed.length > 0) result.updated.push(`plugin ${spec.wabaId} (${changed.map(describeColumn).join(', ')})`);
      }
      const phonesChanged = await syncPhoneNumbers(tx, teamId, plugins, idOfWaba, context);
      for (const spec of plugins) {
        if (!phonesChanged.has(spec.wabaId) || !stored.has(spec.wabaId)) continue;
        const at = result.updated.findIndex((line) => line.startsWith(`plugin ${spec.wabaId} `));
        if (at >= 0) result.updated[at] = result.updated[at].replace(/\)$/, ', phoneNumbers)');
        else result.updated.push(`plugin ${spec.wabaId} (phoneNumbers)`);
      }
      result.unchanged += plugins.filter((spec) => stored.has(spec.wabaId) && !result.updated.some((l) => l.startsWith(`plugin ${spec.wabaId} `))).length;
      if (context.prune) {
        for (const row of stored.values()) {
          if (idOfWaba.has(row.waba_id)) continue;
          // Its chat log and media would lose the plugin they belong to; such a plugin stays.
          if (await repo.isInUse(teamId, row.id)) throw conflict(`cannot prune plugin ${row.waba_id}: it has chats or media`);
          await repo.remove(teamId, row.id);
          result.deleted.push(`plugin ${row.waba_id}`);
        }
      }
      return result;
    },

    async exportPlugins(db, teamId, procedureShortId) {
      const repo = createPluginsRepo(db);
      const [rows, phones] = await Promise.all([repo.list(teamId), repo.phoneNumbers(teamId)]);
      return rows.map((row) => exportPlugin(row, phones.filter((p) => p.plugin_id === row.id), rows.length > 1, procedureShortId, db));
    },
  };
}

function pluginRow(
  spec: PluginSpec, before: PluginRow | undefined, context: PluginApplyContext, teamId: string, secrets: SecretBox, readJson: (v: unknown) => unknown,
): PluginWrite {
  const seal = (field: PluginSecretField): string | null => {
    const secret = spec.secrets[field];
    if (!secret) return null;
    const stored = before?.[COLUMN_OF[field]] ?? null;
    // The same value keeps its sealed form, so an unchanged file writes nothing.
    if (stored !== null && secrets.isCurrent(stored) && secrets.open(SECRET_PURPOSE[field], stored) === secret.value) return stored;
    return secrets.seal(SECRET_PURPOSE[field], secret.value);
  };
  const refs = Object.fromEntries(PLUGIN_SECRET_FIELDS.map((field) => [field, spec.secrets[field]?.reference ?? null]));
  const settings = spec.webhooks ?? (before ? settingsOf(before, readJson) : EMPTY_WEBHOOK_SETTINGS);
  return {
    id: before?.id ?? newId(),
    team_id: teamId,
    name: spec.name,
    waba_id: spec.wabaId,
    graph_api_url: spec.graphApiUrl,
    lead_procedure_id: spec.leadProcedure === null ? null : (context.procedureId(spec.leadProcedure) ?? null),
    access_token: seal('accessToken') ?? '',
    app_secret: seal('appSecret'),
    verify_token: seal('verifyToken'),
    webhook_secret: seal('webhookSecret'),
    secret_refs: JSON.stringify(refs),
    ...settingsColumns(settings),
    created_at: before?.created_at ?? context.now,
    updated_at: before?.updated_at ?? context.now,
  };
}

type Column = keyof PluginRow;
const COMPARED: readonly Column[] = [
  'name', 'graph_api_url', 'lead_procedure_id', 'access_token', 'app_secret', 'verify_token', 'webhook_secret', 'secret_refs',
  'pass_through_webhook_url', 'enable_message_echoes', 'chakra_webhook_url', 'enable_chakra_webhook', 'chakra_webhook_events',
];
const JSON_COLUMNS = new Set<Column>(['secret_refs', 'chakra_webhook_events']);

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep the order keys were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function changedColumns(before: PluginRow, after: PluginWrite, readJson: (v: unknown) => unknown): Column[] {
  const json = (value: unknown) => canonical(typeof value === 'string' ? JSON.parse(value) : readJson(value));
  return COMPARED.filter((column) => (JSON_COLUMNS.has(column) ? json(before[column]) !== json(after[column]) : before[column] !== after[column]));
}

const pick = (row: PluginWrite, columns: readonly Column[]) => Object.fromEntries(columns.map((c) => [c, row[c]]));

const SECRET_NAME: Partial<Record<Column, string>> = { access_token: 'accessToken', app_secret: 'appSecret', verify_token: 'verifyToken', webhook_secret: 'webhookSecret' };
const describeColumn = (column: Column): string => SECRET_NAME[column] ?? column.replace(/_id$/, '').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Phone numbers follow the file: a number is removed from a plugin the file lists without it,
 * moved when the file gives it to another plugin, and added where it is new. Returns the WABA
 * ids whose numbers changed.
 */
async function syncPhoneNumbers(
  tx: Db, teamId: string, plugins: readonly PluginSpec[], idOfWaba: ReadonlyMap<string, string>, context: PluginApplyContext,
): Promise<Set<string>> {
  const repo = createPluginsRepo(tx);
  const stored = await repo.phoneNumbers(teamId);
  const wanted = new Map<string, { pluginId: string; wabaId: string; display: string }>();
  for (const spec of plugins) {
    for (const phone of spec.phoneNumbers) wanted.set(phone.whatsappPhoneNumberId, { pluginId: idOfWaba.get(spec.wabaId)!, wabaId: spec.wabaId, display: phone.displayPhoneNumber });
  }
  const inFile = new Set(idOfWaba.values());
  const wabaOf = new Map([...idOfWaba].map(([waba, id]) => [id, waba]));
  const changed = new Set<string>();
  const stale = stored.filter((row) => {
    const want = wanted.get(row.phone_number_id);
    return want ? want.pluginId !== row.plugin_id : inFile.has(row.plugin_id);
  });
  for (const row of stale) if (wabaOf.has(row.plugin_id)) changed.add(wabaOf.get(row.plugin_id)!);
  await repo.removePhoneNumbers(teamId, stale.map((row) => row.phone_number_id));
  const kept = new Map<string, PhoneNumberRow>(stored.filter((row) => !stale.includes(row)).map((row) => [row.phone_number_id, row]));
  const added = [];
  for (const [phoneNumberId, want] of wanted) {
    const row = kept.get(phoneNumberId);
    if (!row) {
      added.push({ team_id: teamId, phone_number_id: phoneNumberId, plugin_id: want.pluginId, display_phone_number: want.display, created_at: context.now });
      changed.add(want.wabaId);
    } else if (row.display_phone_number !== want.display) {
      await repo.updatePhoneNumber(teamId, phoneNumberId, { display_phone_number: want.display });
      changed.add(want.wabaId);
    }
  }
  await repo.insertPhoneNumbers(added);
  return changed;
}

/**
 * A plugin in the file's format. A secret is written as the `${VAR}` it was applied from; one
 * applied as a literal is written as a conventional variable name (suffixed with the WABA id
 * when the team has several plugins), so an exported file never carries a secret.
 */
function exportPlugin(row: PluginRow, phones: readonly PhoneNumberRow[], several: boolean, procedureShortId: (id: string) => string | null, db: Db): Record<string, unknown> {
  const refs = (db.dialect.readJson(row.secret_refs) ?? {}) as Record<string, string | null>;
  const placeholder = (field: PluginSecretField) => {
    const base = `WHATSAPP_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    return `\${${several ? `${base}_${row.waba_id}` : base}}`;
  };
  const secrets = Object.fromEntries(PLUGIN_SECRET_FIELDS
    .filter((field) => row[COLUMN_OF[field]] !== null && row[COLUMN_OF[field]] !== '')
    .map((field) => [field, refs[field] ?? placeholder(field)]));
  const settings = settingsOf(row, db.dialect.readJson);
  const hasSettings = JSON.stringify(settings) !== JSON.stringify(EMPTY_WEBHOOK_SETTINGS);
  return {
    type: 'whatsapp',
    name: row.name,
    wabaId: row.waba_id,
    phoneNumbers: phones.map((p) => ({ whatsappPhoneNumberId: p.phone_number_id, displayPhoneNumber: p.display_phone_number })),
    ...secrets,
    ...(row.graph_api_url === DEFAULT_GRAPH_API_URL ? {} : { graphApiUrl: row.graph_api_url }),
    ...(row.lead_procedure_id ? { leadProcedure: procedureShortId(row.lead_procedure_id) } : {}),
    ...(hasSettings ? { webhooks: settings } : {}),
  };
}
