/**
 * Builds Meta's `template.components` for a template send (API.md §8.1) from ChakraHQ's fields:
 * `mapping` fills the body's placeholders, `headerMapping` a text header's, `buttonMapping` the
 * buttons that take a value, `imageUrl` / `videoUrl` / `documentUrl` (+ `filename`) a media
 * header, `location*` a location header, and `otpCode` an authentication template's code. The
 * template itself (read from Meta) says what is needed, so every missing or surplus value is
 * named in one list of problems instead of being left for Meta to refuse with a bare code.
 */
export interface TemplateButton {
  readonly type: string;
  readonly text?: string;
  readonly url?: string;
  readonly otp_type?: string;
}

export interface TemplateComponent {
  readonly type: string;
  readonly format?: string;
  readonly text?: string;
  readonly buttons?: readonly TemplateButton[];
}

/** A message template as Meta lists it. */
export interface MetaTemplate {
  readonly id?: string;
  readonly name: string;
  readonly language: string;
  readonly status?: string;
  readonly category?: string;
  readonly parameter_format?: string;
  readonly components?: readonly TemplateComponent[];
}

export interface Mapping {
  readonly schemaPropertyName: string;
  readonly schemaPropertyValue: string;
}

/** The send's values, with "not given" already settled (empty strings and 0/0 dropped). */
export interface TemplateValues {
  readonly mapping: readonly Mapping[];
  readonly headerMapping: readonly Mapping[];
  readonly buttonMapping: readonly Mapping[];
  readonly imageUrl?: string;
  readonly videoUrl?: string;
  readonly documentUrl?: string;
  readonly filename?: string;
  readonly location?: { readonly latitude: number; readonly longitude: number; readonly name?: string; readonly address?: string };
  readonly otpCode?: string;
}

type Parameter = Record<string, unknown>;
export type SendComponent = { type: string; sub_type?: string; index?: string; parameters: Parameter[] };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const MEDIA_HEADERS = { IMAGE: 'imageUrl', VIDEO: 'videoUrl', DOCUMENT: 'documentUrl' } as const;

/** The placeholders of a text, each once, in the order they appear. */
export function placeholdersOf(text: string | undefined): string[] {
  return [...new Set([...(text ?? '').matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

export function buildComponents(template: MetaTemplate, values: TemplateValues): { components: SendComponent[]; problems: string[] } {
  const problems: string[] = [];
  const named = template.parameter_format === 'NAMED';
  const find = (type: string) => template.components?.find((c) => c.type.toUpperCase() === type);
  const isAuth = template.category?.toUpperCase() === 'AUTHENTICATION';
  let otpUsed = false;
  const components: SendComponent[] = [];

  const header = headerComponent(find('HEADER'), values, named, template.name, problems);
  if (header) components.push(header);

  const body = find('BODY');
  const bodyValues = byName(values.mapping);
  if (isAuth && values.otpCode !== undefined && placeholdersOf(body?.text).length > 0 && !bodyValues.has(placeholdersOf(body?.text)[0])) {
    bodyValues.set(placeholdersOf(body?.text)[0], values.otpCode);
    otpUsed = true;
  }
  const bodyParameters = textParameters(placeholdersOf(body?.text), bodyValues, named, 'mapping', 'body', template.name, problems);
  if (bodyParameters.length > 0) components.push({ type: 'body', parameters: bodyParameters });

  const buttons = buttonComponents(find('BUTTONS')?.buttons ?? [], values, template.name, problems);
  otpUsed ||= buttons.otpUsed;
  components.push(...buttons.components);
  if (values.otpCode !== undefined && !otpUsed) problems.push(`otpCode: template '${template.name}' has no place for a code`);
  return { components, problems };
}

function byName(mapping: readonly Mapping[]): Map<string, string> {
  return new Map(mapping.map((m) => [m.schemaPropertyName, m.schemaPropertyValue]));
}

function textParameters(
  placeholders: readonly string[], given: Map<string, string>, named: boolean, field: string, where: string, template: string, problems: string[],
): Parameter[] {
  for (const name of given.keys()) {
    if (!placeholders.includes(name)) problems.push(`${field}: template '${template}' has no ${where} placeholder {{${name}}}`);
  }
  return placeholders.flatMap((name) => {
    const value = given.get(name);
    if (value === undefined) {
      problems.push(`${field}: no value for the ${where} placeholder {{${name}}} of template '${template}'`);
      return [];
    }
    return [named ? { type: 'text', parameter_name: name, text: value } : { type: 'text', text: value }];
  });
}

function headerComponent(header: TemplateComponent | undefined, values: TemplateValues, named: boolean, template: string, problems: string[]): SendComponent | null {
  const format = header?.format?.toUpperCase() ?? (header ? 'TEXT' : 'NONE');
  for (const [kind, field] of Object.entries(MEDIA_HEADERS)) {
    if (values[field] !== undefined && format !== kind) problems.push(`${field}: template '${template}' has no ${kind.toLowerCase()} header`);
  }
  if (values.location && format !== 'LOCATION') problems.push(`locationLatitude: template '${template}' has no location header`);
  if (format !== 'TEXT' && values.headerMapping.length > 0) problems.push(`headerMapping: template '${template}' has no text header with placeholders`);
  if (format === 'TEXT') {
    const parameters = textParameters(placeholdersOf(header?.text), byName(values.headerMapping), named, 'headerMapping', 'header', template, problems);
    return parameters.length > 0 ? { type: 'header', parameters } : null;
  }
  if (format in MEDIA_HEADERS) {
    const field = MEDIA_HEADERS[format as keyof typeof MEDIA_HEADERS];
    const link = values[field];
    if (link === undefined) {
      problems.push(`${field}: template '${template}' has ${format === 'IMAGE' ? 'an' : 'a'} ${format.toLowerCase()} header; give its URL`);
      return null;
    }
    const media = format === 'DOCUMENT' && values.filename ? { link, filename: values.filename } : { link };
    return { type: 'header', parameters: [{ type: format.toLowerCase(), [format.toLowerCase()]: media }] };
  }
  if (format === 'LOCATION') {
    if (!values.location) {
      problems.push(`locationLatitude: template '${template}' has a location header; give locationLatitude and locationLongitude`);
      return null;
    }
    return { type: 'header', parameters: [{ type: 'location', location: values.location }] };
  }
  return null;
}

/**
 * Buttons that take a value: a URL with a placeholder, a copy-code button, an OTP button. A
 * `buttonMapping` entry names its button by the button's position (from 0) or by the
 * placeholder in its URL; an OTP button takes `otpCode`.
 */
function buttonComponents(buttons: readonly TemplateButton[], values: TemplateValues, template: string, problems: string[]) {
  const components: SendComponent[] = [];
  const given = byName(values.buttonMapping);
  const used = new Set<string>();
  let otpUsed = false;
  buttons.forEach((button, index) => {
    const type = button.type.toUpperCase();
    const placeholder = type === 'URL' ? placeholdersOf(button.url)[0] : undefined;
    const takesValue = placeholder !== undefined || type === 'COPY_CODE' || type === 'OTP';
    if (!takesValue) return;
    const key = [String(index), placeholder].find((k) => k !== undefined && given.has(k) && !used.has(k));
    let value = key === undefined ? undefined : given.get(key);
    if (key !== undefined) used.add(key);
    if (value === undefined && type === 'OTP' && values.otpCode !== undefined) {
      value = values.otpCode;
      otpUsed = true;
    }
    if (value === undefined) {
      problems.push(`buttonMapping: no value for button ${index} ('${button.text ?? type}') of template '${template}'`);
      return;
    }
    // Meta takes an authentication template's code through a `url` button, whatever its OTP type.
    components.push(type === 'COPY_CODE'
      ? { type: 'button', sub_type: 'copy_code', index: String(index), parameters: [{ type: 'coupon_code', coupon_code: value }] }
      : { type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: value }] });
  });
  for (const name of given.keys()) {
    if (!used.has(name)) problems.push(`buttonMapping: template '${template}' has no button ${name} that takes a value`);
  }
  return { components, otpUsed };
}
