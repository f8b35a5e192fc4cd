import { Type, type Static } from 'typebox';

const MappingItem = Type.Object(
  { schemaPropertyName: Type.String({ minLength: 1, maxLength: 128 }), schemaPropertyValue: Type.String({ maxLength: 4096 }) },
  { additionalProperties: false },
);
const Mappings = (description: string) => Type.Optional(Type.Array(MappingItem, { maxItems: 100, description }));
const Coordinate = (description: string) => Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 32 })], { description }));
const Text = (description: string, maxLength = 2048) => Type.Optional(Type.String({ maxLength, description }));

/** Both template sends (API.md §8.1). n8n sends every field, empty when unset: "" and 0/0 mean "not given". */
export const TemplateSendBody = Type.Object(
  {
    whatsappPhoneNumberId: Type.String({ minLength: 1, maxLength: 32, description: "The sending number's id at Meta (one of the plugin's)" }),
    templateName: Type.String({ minLength: 1, maxLength: 512 }),
    language: Text('Template language (en, en_US, pt_BR …); needed when the template exists in several', 32),
    mapping: Mappings('Body placeholder values: "1" fills {{1}}, a name fills a named parameter'),
    headerMapping: Mappings('Text header placeholder values'),
    buttonMapping: Mappings('Button values, by button position (from 0) or by the placeholder in its URL'),
    imageUrl: Text('Image header'),
    videoUrl: Text('Video header'),
    documentUrl: Text('Document header'),
    filename: Text('File name shown for a document header', 240),
    locationLatitude: Coordinate('Location header'),
    locationLongitude: Coordinate('Location header'),
    locationName: Text('Location header', 1000),
    locationAddress: Text('Location header', 1000),
    otpCode: Text('The code of an authentication template', 15),
  },
  { additionalProperties: false },
);
export type TemplateSendBody = Static<typeof TemplateSendBody>;

export const PhoneTemplateSendParams = Type.Object({ pluginId: Type.String(), phoneNumber: Type.String({ description: 'Digits with country code' }) });
export const ProcessTemplateSendParams = Type.Object({ pluginId: Type.String(), procedureShortId: Type.String(), primaryKeyOrId: Type.String() });
