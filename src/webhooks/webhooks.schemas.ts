import { Type, type Static } from 'typebox';
import { Nullable, SafeInteger } from '../http/schema-types.ts';
import { WEBHOOK_DELIVERY_STATUSES } from '../db/schema.ts';
import { WEBHOOK_ENDPOINT_KINDS } from './webhooks.types.ts';

export const DeliveryParams = Type.Object({ pluginId: Type.String() });

export const DeliveryStatus = Type.Enum(WEBHOOK_DELIVERY_STATUSES);

export const ListDeliveriesQuery = Type.Object({
  status: Type.Optional(DeliveryStatus),
  limit: Type.Optional(SafeInteger({ minimum: 1, description: 'Default and maximum 100 (larger values are clamped)' })),
  skip: Type.Optional(SafeInteger({ minimum: 0 })),
  includeAttempts: Type.Optional(Type.Boolean({ description: 'Adds each delivery\'s attempt log (`attemptLog`)' })),
}, { additionalProperties: false });

export const AttemptWire = Type.Object({
  attempt: Type.Integer({ description: '1 for the first attempt; numbering continues across replays' }),
  startedAt: Type.Integer(), durationMs: Type.Integer(),
  statusCode: Nullable(Type.Integer({ description: 'null when no HTTP answer came (timeout, refused connection, refused address)' })),
  error: Nullable(Type.String()),
});

export const DeliveryWire = Type.Object({
  id: Type.String(),
  eventId: Type.String({ description: 'Sent as X-Chakra-Event-Id; the same for every attempt' }),
  eventType: Type.String({ description: '`whatsapp` (pass-through), `message` or `deliveryStatus`' }),
  endpoint: Type.Enum(WEBHOOK_ENDPOINT_KINDS),
  url: Type.String(),
  status: Type.Enum(WEBHOOK_DELIVERY_STATUSES, { description: 'PENDING (queued or retrying) | DELIVERED (a 2xx came) | FAILED (24 h of failures, or no webhookSecret)' }),
  attempts: Type.Integer(),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: Type.Integer(), updatedAt: Type.Integer(), deliveredAt: Nullable(Type.Integer()),
  attemptLog: Type.Optional(Type.Array(AttemptWire)),
});

export const ReplayBody = Type.Object({
  ids: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1000, description: 'Deliveries to replay; left out: every FAILED delivery of the plugin' })),
}, { additionalProperties: false });
export type ReplayBody = Static<typeof ReplayBody>;

export const ReplayResult = Type.Object({ replayed: Type.Integer({ description: 'How many FAILED deliveries were queued again' }) });
