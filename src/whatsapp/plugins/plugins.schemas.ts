import { Type, type Static } from 'typebox';
import { Nullable } from '../../http/schema-types.ts';

export const PluginIdParams = Type.Object({ pluginId: Type.String({ description: 'WhatsApp plugin UUID' }) });

const Url = (description: string) => Nullable(Type.String({ maxLength: 2048, description }));

/** Update Plugin Config: every key optional; what is left out keeps its value. */
export const UpdateConfigBody = Type.Object(
  {
    passThroughWebhookUrl: Type.Optional(Url('Receives every event Meta sends, byte for byte; "" or null unsets it')),
    enableMessageEchoesForPassThroughWebhook: Type.Optional(Type.Boolean()),
    chakraWebhookUrl: Type.Optional(Url('Receives `message` and `deliveryStatus` events; "" or null unsets it')),
    enableChakraWebhook: Type.Optional(Type.Boolean()),
    whichChakraWebhookEventsToSend: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 32, description: 'Event kinds for the Chakra webhook: `message`, `deliveryStatus` (`status` is taken as `deliveryStatus`)',
    })),
  },
  { additionalProperties: false },
);
export type UpdateConfigBody = Static<typeof UpdateConfigBody>;

export const PluginConfig = Type.Object({
  passThroughWebhookUrl: Nullable(Type.String()),
  enableMessageEchoesForPassThroughWebhook: Type.Boolean(),
  chakraWebhookUrl: Nullable(Type.String()),
  enableChakraWebhook: Type.Boolean(),
  whichChakraWebhookEventsToSend: Type.Array(Type.String()),
  pluginId: Type.String(),
  name: Type.String(),
  wabaId: Type.String(),
  phoneNumbers: Type.Array(Type.Object({ whatsappPhoneNumberId: Type.String(), displayPhoneNumber: Type.String() })),
});

export const UpdateConfigResult = Type.Object({ success: Type.Boolean() });
