import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { DeliveryStatus, WhatsappInboundEventsTable, WhatsappMessagesTable, WhatsappTemplateEventsTable } from '../../db/schema.ts';

export type InboundEventRow = Selectable<WhatsappInboundEventsTable>;
type NewMessage = Insertable<WhatsappMessagesTable>;

/** The statuses a message may be in for a status event to move it forward (FAILED and READ are final). */
const MAY_MOVE_FROM: Record<Exclude<DeliveryStatus, 'PENDING'>, readonly DeliveryStatus[]> = {
  SENT: ['PENDING'],
  DELIVERED: ['PENDING', 'SENT'],
  READ: ['PENDING', 'SENT', 'DELIVERED'],
  FAILED: ['PENDING', 'SENT', 'DELIVERED'],
};

/** The raw inbound events, inbound messages, status moves and template events; scoped by team except where noted. */
export function createInboundRepo(db: Db) {
  const q = db.kysely;
  return {
    /** Keeps the event unless the same bytes were kept for the plugin before; true when it was added. */
    async insertEvent(row: InboundEventRow): Promise<boolean> {
      const added = await q.insertInto('whatsapp_inbound_events').values(row)
        .onConflict((c) => c.columns(['team_id', 'plugin_id', 'sha256']).doNothing())
        .returning('id').executeTakeFirst();
      return added !== undefined;
    },

    findEvent(teamId: string, id: string): Promise<InboundEventRow | undefined> {
      return q.selectFrom('whatsapp_inbound_events').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    },

    async markProcessed(teamId: string, id: string, now: number): Promise<void> {
      await q.updateTable('whatsapp_inbound_events').set({ processed_at: now }).where('team_id', '=', teamId).where('id', '=', id).execute();
    },

    /** Adds an inbound message unless one with its wamid is kept already; true when it was added. */
    async insertMessageOnce(row: NewMessage): Promise<boolean> {
      const added = await q.insertInto('whatsapp_messages').values(row)
        .onConflict((c) => c.columns(['team_id', 'external_id']).doNothing())
        .returning('id').executeTakeFirst();
      return added !== undefined;
    },

    /**
     * Moves the message with this wamid to `status` only if that is forward of where it is;
     * returns the moved message's id and contact, or undefined when nothing moved.
     */
    async moveStatus(teamId: string, externalId: string, status: Exclude<DeliveryStatus, 'PENDING'>, error: string | null, now: number) {
      return q.updateTable('whatsapp_messages')
        .set({ delivery_status: status, updated_at: now, ...(status === 'FAILED' ? { delivery_error: error } : {}) })
        .where('team_id', '=', teamId).where('external_id', '=', externalId)
        .where('delivery_status', 'in', [...MAY_MOVE_FROM[status]])
        .returning(['id', 'contact_id'])
        .executeTakeFirst();
    },

    /**
     * Housekeeping across teams (like the job queue's): processed events received before
     * `before` are removed. Meta retries for days, not weeks, so the de-duplication they
     * served is no longer needed.
     */
    async purgeProcessed(before: number): Promise<number> {
      const result = await q.deleteFrom('whatsapp_inbound_events').where('processed_at', 'is not', null).where('received_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /**
     * Whether a message to this phone was recorded since `since` and still waits for Meta's
     * answer (no wamid yet): a status arriving before that answer is kept is worth another look.
     */
    async hasSendInFlight(teamId: string, phone: string, since: number): Promise<boolean> {
      const row = await q.selectFrom('whatsapp_messages').innerJoin('whatsapp_contacts', 'whatsapp_contacts.id', 'whatsapp_messages.contact_id')
        .select('whatsapp_messages.id')
        .where('whatsapp_messages.team_id', '=', teamId).where('whatsapp_contacts.team_id', '=', teamId).where('whatsapp_contacts.phone', '=', phone)
        .where('whatsapp_messages.direction', '=', 'OUTBOUND').where('whatsapp_messages.external_id', 'is', null)
        .where('whatsapp_messages.delivery_status', '=', 'PENDING').where('whatsapp_messages.created_at', '>=', since)
        .limit(1).executeTakeFirst();
      return row !== undefined;
    },

    async insertTemplateEvents(rows: readonly Selectable<WhatsappTemplateEventsTable>[]): Promise<void> {
      if (rows.length > 0) await q.insertInto('whatsapp_template_events').values([...rows]).execute();
    },
  };
}

export type InboundRepo = ReturnType<typeof createInboundRepo>;
