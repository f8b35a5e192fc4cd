/**
 * The queues every worker process runs, each with its own number of slots (config `jobs.queues`):
 * bulk imports, processing of inbound WhatsApp events, and outbound webhook deliveries. A queue
 * full of long bulk work never delays the other two.
 */
export const QUEUE_NAMES = ['bulk', 'inbound', 'webhooks'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
