import { AppError } from '../../shared/errors.ts';
import type { Mapping, TemplateValues } from './template-components.ts';
import type { TemplateSendBody } from './template-send.schemas.ts';

const invalid = (message: string) => new AppError('VALIDATION_FAILED', 400, message);

/** The recipient as Meta wants it: digits with country code (`+`, spaces and dashes dropped). `field` names it in the error. */
export function recipientPhone(raw: string, field = 'phoneNumber'): string {
  const digits = raw.replace(/[\s+\-().]/g, '');
  if (!/^\d{8,15}$/.test(digits)) throw invalid(`${field}: expected 8 to 15 digits with the country code, got "${raw.slice(0, 40)}"`);
  return digits;
}

const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value);

function coordinate(value: number | string | undefined, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number) || number < min || number > max) throw invalid(`${field}: expected a number from ${min} to ${max}`);
  return number;
}

/** n8n sends every optional field: "" and a 0/0 location mean "not given". */
export function readTemplateValues(body: TemplateSendBody): TemplateValues & { language?: string } {
  const mappings = (list: readonly Mapping[] | undefined, field: string): Mapping[] => {
    const seen = new Set<string>();
    for (const m of list ?? []) {
      if (seen.has(m.schemaPropertyName)) throw invalid(`${field}: "${m.schemaPropertyName}" is given twice`);
      seen.add(m.schemaPropertyName);
    }
    return (list ?? []).filter((m) => m.schemaPropertyValue !== '');
  };
  const latitude = coordinate(body.locationLatitude, 'locationLatitude', -90, 90);
  const longitude = coordinate(body.locationLongitude, 'locationLongitude', -180, 180);
  const hasLocation = latitude !== undefined && longitude !== undefined && !(latitude === 0 && longitude === 0);
  const onlyOne = (latitude === undefined) !== (longitude === undefined);
  if (onlyOne && (latitude ?? longitude) !== 0) throw invalid('locationLatitude: give locationLatitude and locationLongitude together');
  const location = hasLocation ? {
    latitude: latitude!, longitude: longitude!,
    ...(given(body.locationName) ? { name: body.locationName } : {}), ...(given(body.locationAddress) ? { address: body.locationAddress } : {}),
  } : undefined;
  return {
    language: given(body.language),
    mapping: mappings(body.mapping, 'mapping'),
    headerMapping: mappings(body.headerMapping, 'headerMapping'),
    buttonMapping: mappings(body.buttonMapping, 'buttonMapping'),
    imageUrl: given(body.imageUrl),
    videoUrl: given(body.videoUrl),
    documentUrl: given(body.documentUrl),
    filename: given(body.filename),
    location,
    otpCode: given(body.otpCode),
  };
}
