import { Type } from 'typebox';

export const PassThroughParams = Type.Object({
  pluginId: Type.String({ description: 'WhatsApp plugin UUID' }),
  version: Type.String({ description: 'Graph API version, e.g. v21.0' }),
  whatsappPhoneNumberId: Type.String({ description: "The business phone number's id at Meta" }),
});

/** Meta's message object, forwarded as it is (Meta validates it). */
export const MetaMessageBody = Type.Object({}, { additionalProperties: true, description: "Meta's message object, sent to Meta unchanged" });

export const PassThroughResult = Type.Object({ whatsappMessageId: Type.Optional(Type.String()) });
