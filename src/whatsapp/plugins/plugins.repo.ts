import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { WhatsappPhoneNumbersTable, WhatsappPluginsTable } from '../../db/schema.ts';

export type PluginRow = Selectable<WhatsappPluginsTable>;
export type PhoneNumberRow = Selectable<WhatsappPhoneNumbersTable>;

/** The WhatsApp plugins and their phone numbers; every method is scoped by team. */
export function createPluginsRepo(db: Db) {
  const q = db.kysely;
  return {
    list(teamId: string): Promise<PluginRow[]> {
      return q.selectFrom('whatsapp_plugins').selectAll().where('team_id', '=', teamId).orderBy('created_at').orderBy('id').execute();
    },
    find(teamId: string, pluginId: string): Promise<PluginRow | undefined> {
      return q.selectFrom('whatsapp_plugins').selectAll().where('team_id', '=', teamId).where('id', '=', pluginId).executeTakeFirst();
    },
    phoneNumbers(teamId: string): Promise<PhoneNumberRow[]> {
      return q.selectFrom('whatsapp_phone_numbers').selectAll().where('team_id', '=', teamId).orderBy('created_at').orderBy('phone_number_id').execute();
    },
    /** Whether anything kept refers to the plugin: chats, public media or WhatsApp media. */
    async isInUse(teamId: string, pluginId: string): Promise<boolean> {
      for (const table of ['whatsapp_chats', 'whatsapp_public_media', 'whatsapp_media'] as const) {
        const row = await q.selectFrom(table).select('plugin_id').where('team_id', '=', teamId).where('plugin_id', '=', pluginId).limit(1).executeTakeFirst();
        if (row) return true;
      }
      return false;
    },
    /** The plugin a business phone number belongs to. */
    async findByPhoneNumber(teamId: string, phoneNumberId: string): Promise<PluginRow | undefined> {
      return q.selectFrom('whatsapp_plugins').selectAll('whatsapp_plugins')
        .innerJoin('whatsapp_phone_numbers', 'whatsapp_phone_numbers.plugin_id', 'whatsapp_plugins.id')
        .where('whatsapp_phone_numbers.team_id', '=', teamId).where('whatsapp_phone_numbers.phone_number_id', '=', phoneNumberId)
        .executeTakeFirst();
    },
    /**
     * The one lookup not scoped by team: Meta's webhook call names only the plugin, whose id is
     * global. Only what the receiver needs is read.
     */
    findForWebhook(pluginId: string) {
      return q.selectFrom('whatsapp_plugins').select(['id', 'team_id', 'app_secret', 'verify_token']).where('id', '=', pluginId).executeTakeFirst();
    },
    findByWaba(teamId: string, wabaId: string): Promise<PluginRow | undefined> {
      return q.selectFrom('whatsapp_plugins').selectAll().where('team_id', '=', teamId).where('waba_id', '=', wabaId).executeTakeFirst();
    },
    /** The plugin a message template id was seen through. */
    async findByTemplate(teamId: string, templateId: string): Promise<PluginRow | undefined> {
      return q.selectFrom('whatsapp_plugins').selectAll('whatsapp_plugins')
        .innerJoin('whatsapp_template_refs', 'whatsapp_template_refs.plugin_id', 'whatsapp_plugins.id')
        .where('whatsapp_template_refs.team_id', '=', teamId).where('whatsapp_template_refs.template_id', '=', templateId)
        .executeTakeFirst();
    },
    async rememberTemplates(teamId: string, pluginId: string, templateIds: readonly string[], now: number): Promise<void> {
      if (templateIds.length === 0) return;
      await q.insertInto('whatsapp_template_refs')
        .values(templateIds.map((id) => ({ team_id: teamId, template_id: id, plugin_id: pluginId, created_at: now })))
        .onConflict((c) => c.columns(['team_id', 'template_id']).doUpdateSet({ plugin_id: pluginId }))
        .execute();
    },
    async insert(row: Insertable<WhatsappPluginsTable>): Promise<void> {
      await q.insertInto('whatsapp_plugins').values(row).execute();
    },
    async update(teamId: string, pluginId: string, changes: Updateable<WhatsappPluginsTable>): Promise<void> {
      await q.updateTable('whatsapp_plugins').set(changes).where('team_id', '=', teamId).where('id', '=', pluginId).execute();
    },
    async remove(teamId: string, pluginId: string): Promise<void> {
      await q.deleteFrom('whatsapp_phone_numbers').where('team_id', '=', teamId).where('plugin_id', '=', pluginId).execute();
      await q.deleteFrom('whatsapp_plugins').where('team_id', '=', teamId).where('id', '=', pluginId).execute();
    },
    async insertPhoneNumbers(rows: readonly Insertable<WhatsappPhoneNumbersTable>[]): Promise<void> {
      if (rows.length > 0) await q.insertInto('whatsapp_phone_numbers').values([...rows]).execute();
    },
    async updatePhoneNumber(teamId: string, phoneNumberId: string, changes: Updateable<WhatsappPhoneNumbersTable>): Promise<void> {
      await q.updateTable('whatsapp_phone_numbers').set(changes).where('team_id', '=', teamId).where('phone_number_id', '=', phoneNumberId).execute();
    },
    async removePhoneNumbers(teamId: string, phoneNumberIds: readonly string[]): Promise<void> {
      if (phoneNumberIds.length > 0) {
        await q.deleteFrom('whatsapp_phone_numbers').where('team_id', '=', teamId).where('phone_number_id', 'in', [...phoneNumberIds]).execute();
      }
    },
  };
}

export type PluginsRepo = ReturnType<typeof createPluginsRepo>;
