import type { OutboundDelivery } from '../../webhooks/index.ts';
import type { PluginRow } from '../plugins/index.ts';
import type { InboundMessage, InboundStatus } from './inbound-payload.ts';

type ReadJson = (value: unknown) => unknown;

/**
 * The outbound webhook deliveries an inbound event makes (API.md §8.4), for the plugin's two
 * endpoints. Event ids are stable, so an event processed again after a crash queues nothing new.
 */
export function createForwarder(plugin: PluginRow, readJson: ReadJson) {
  const base = { teamId: plugin.team_id, sourceId: plugin.id } as const;
  const kinds = chakraKinds(plugin, readJson);
  const chakraUrl = plugin.enable_chakra_webhook === 1 ? plugin.chakra_webhook_url : null;
  const deliveries: OutboundDelivery[] = [];
  return {
    /**
     * Meta's body byte for byte. Decision: with message echoes off (the default), an event made
     * only of `smb_message_echoes` changes (messages the business sent from the WhatsApp Business
     * app) is not forwarded; with echoes on it is. Mixed events are forwarded whole.
     */
    passThrough(eventId: string, body: string, fields: readonly string[]): void {
      const url = plugin.pass_through_webhook_url;
      if (!url) return;
      const onlyEchoes = fields.length > 0 && fields.every((f) => f === 'smb_message_echoes');
      if (onlyEchoes && plugin.enable_message_echoes !== 1) return;
      deliveries.push({ ...base, endpoint: 'passThrough', url, eventId, eventType: 'whatsapp', body });
    },

    /** A `message` event for a message kept for the first time. */
    message(message: InboundMessage, chatMessageId: string, at: number): void {
      if (!chakraUrl || !kinds.has('message')) return;
      const payload = {
        wabaId: message.wabaId, externalId: message.wamid, messageId: chatMessageId, timestamp: at, message: message.message, contacts: message.contacts,
      };
      deliveries.push({ ...base, endpoint: 'chakra', url: chakraUrl, eventId: `message:${message.wamid}`, eventType: 'message', body: JSON.stringify({ event: 'message', payload }) });
    },

    /** A `deliveryStatus` event for a status that moved a message forward. */
    status(status: InboundStatus, chatMessageId: string, recipientId: string | null, at: number): void {
      if (!chakraUrl || !kinds.has('deliveryStatus')) return;
      const payload = { id: chatMessageId, externalId: status.wamid, deliveryStatus: status.status, timestamp: at, recipientId };
      deliveries.push({
        ...base, endpoint: 'chakra', url: chakraUrl, eventId: `status:${status.wamid}:${status.status}`, eventType: 'deliveryStatus',
        body: JSON.stringify({ event: 'deliveryStatus', payload }),
      });
    },

    deliveries: (): readonly OutboundDelivery[] => deliveries,
  };
}

/** The Chakra webhook's event kinds; `status` is another name for `deliveryStatus`. */
function chakraKinds(plugin: PluginRow, readJson: ReadJson): Set<string> {
  const value = typeof plugin.chakra_webhook_events === 'string' ? JSON.parse(plugin.chakra_webhook_events) : readJson(plugin.chakra_webhook_events);
  const names = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return new Set(names.map((n) => (n === 'status' ? 'deliveryStatus' : n)));
}
