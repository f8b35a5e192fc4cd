/**
 * Checks a template send against the stored template, as Meta does before accepting it: each
 * placeholder gets exactly one value (132000 when counts differ, 131008 when a value or a
 * named parameter is missing), media and location headers get the right kind (132012).
 */
import { GraphError, missingParameter } from './graph-errors.ts';
import { buttonNeed, placeholdersOf, type TemplateComponent } from './template-components.ts';
import type { TemplateRecord } from './template-store.ts';

type Parameter = Record<string, unknown>;
type SendComponent = { type: string; sub_type?: unknown; index?: unknown; parameters?: unknown };

const VALUE_TYPES = ['text', 'currency', 'date_time'];
const MEDIA_FORMATS: Record<string, string> = { IMAGE: 'image', VIDEO: 'video', DOCUMENT: 'document' };

export function checkTemplateSend(template: TemplateRecord, components: unknown): void {
  if (components !== undefined && !Array.isArray(components)) throw new GraphError(131009, 'template.components must be a list.');
  const sent = (components ?? []) as SendComponent[];
  for (const [i, c] of sent.entries()) {
    const type = typeof c?.type === 'string' ? c.type.toLowerCase() : '';
    if (!['header', 'body', 'button', 'buttons', 'carousel', 'limited_time_offer'].includes(type)) {
      throw new GraphError(131009, `template.components[${i}].type is not valid.`);
    }
  }
  const byType = (type: string) => sent.find((c) => c.type.toLowerCase() === type);
  const stored = (type: string) => template.components.find((c) => c.type === type);
  checkHeader(template, stored('HEADER'), byType('header'));
  checkTextParameters('body', template, placeholdersOf(stored('BODY')?.text, template.parameterFormat), byType('body'), authBodyCount(template));
  checkButtons(stored('BUTTONS'), sent.filter((c) => c.type.toLowerCase() === 'button'));
}

/** Authentication templates have a fixed body with one value: the code. */
function authBodyCount(template: TemplateRecord): number | undefined {
  const body = template.components.find((c) => c.type === 'BODY');
  return template.category === 'AUTHENTICATION' && typeof body?.text !== 'string' ? 1 : undefined;
}

function parametersOf(component: SendComponent | undefined, where: string): Parameter[] {
  if (component === undefined || component.parameters === undefined) return [];
  if (!Array.isArray(component.parameters)) throw new GraphError(131009, `${where}.parameters must be a list.`);
  return component.parameters.map((p, i) => {
    if (typeof p !== 'object' || p === null) throw new GraphError(131009, `${where}.parameters[${i}] must be an object.`);
    return p as Parameter;
  });
}

function checkTextParameters(
  where: string, template: TemplateRecord, expected: readonly string[], component: SendComponent | undefined, fixedCount?: number,
): void {
  const given = parametersOf(component, where);
  const count = fixedCount ?? expected.length;
  if (given.length !== count) {
    throw new GraphError(132000, `${where}: number of parameters (${given.length}) does not match the expected number of params (${count})`);
  }
  given.forEach((p, i) => checkValue(p, `${where}.parameters[${i}]`));
  if (template.parameterFormat !== 'NAMED' || fixedCount !== undefined) return;
  const names = given.map((p, i) => {
    if (typeof p.parameter_name !== 'string' || p.parameter_name === '') throw missingParameter(`${where}.parameters[${i}].parameter_name`);
    return p.parameter_name;
  });
  const unknown = names.find((n) => !expected.includes(n));
  if (unknown !== undefined) throw new GraphError(132000, `${where}: parameter "${unknown}" is not in template ${template.name}.`);
  const missing = expected.find((n) => !names.includes(n));
  if (missing !== undefined) throw missingParameter(`${where} parameter "${missing}"`);
}

function checkValue(p: Parameter, where: string): void {
  if (!VALUE_TYPES.includes(String(p.type))) {
    throw new GraphError(132012, `${where}.type must be one of ${VALUE_TYPES.join(', ')}.`);
  }
  const value = p[String(p.type)];
  if (p.type === 'text' && (typeof value !== 'string' || value === '')) throw missingParameter(`${where}.text`);
  if (p.type !== 'text' && (typeof value !== 'object' || value === null || !('fallback_value' in value))) {
    throw missingParameter(`${where}.${String(p.type)}.fallback_value`);
  }
}

function checkHeader(template: TemplateRecord, stored: TemplateComponent | undefined, sent: SendComponent | undefined): void {
  const format = stored ? String(stored.format ?? 'TEXT') : null;
  if (format === null || format === 'TEXT') {
    const expected = placeholdersOf(stored?.text, template.parameterFormat);
    if (expected.length === 0 && sent === undefined) return;
    checkTextParameters('header', template, expected, sent);
    return;
  }
  const given = parametersOf(sent, 'header');
  if (given.length !== 1) {
    if (given.length === 0) throw missingParameter(`header (a ${format.toLowerCase()} parameter)`);
    throw new GraphError(132000, `header: number of parameters (${given.length}) does not match the expected number of params (1)`);
  }
  const [p] = given;
  const kind = format === 'LOCATION' ? 'location' : MEDIA_FORMATS[format];
  if (p.type !== kind) throw new GraphError(132012, `header: expected a ${kind} parameter, got ${String(p.type)}.`);
  const value = p[kind] as Record<string, unknown> | undefined;
  if (kind === 'location') {
    if (value?.latitude === undefined || value?.longitude === undefined) throw missingParameter('header.location.latitude/longitude');
  } else if (typeof value?.link !== 'string' && typeof value?.id !== 'string') {
    throw missingParameter(`header.${kind}.link or header.${kind}.id`);
  }
}

function checkButtons(stored: TemplateComponent | undefined, sent: readonly SendComponent[]): void {
  const buttons = (stored?.buttons ?? []) as Record<string, unknown>[];
  const byIndex = new Map<number, SendComponent>();
  for (const c of sent) {
    const index = Number(c.index);
    if (!Number.isInteger(index) || index < 0 || index >= buttons.length) {
      throw new GraphError(131009, `button index ${String(c.index)} does not match a button of the template.`);
    }
    byIndex.set(index, c);
  }
  buttons.forEach((button, index) => {
    const need = buttonNeed(button);
    const given = byIndex.get(index);
    if (need === null) {
      if (given && button.type === 'QUICK_REPLY') checkQuickReply(given, index);
      else if (given && parametersOf(given, `button[${index}]`).length > 0 && button.type !== 'FLOW' && button.type !== 'CATALOG') {
        throw new GraphError(132000, `button[${index}] (${String(button.type)}) takes no parameters.`);
      }
      return;
    }
    if (!given) throw missingParameter(`button[${index}] (${need.subType}, one ${need.parameterType} parameter)`);
    if (String(given.sub_type ?? '').toLowerCase() !== need.subType) {
      throw new GraphError(132012, `button[${index}].sub_type must be ${need.subType}.`);
    }
    const params = parametersOf(given, `button[${index}]`);
    if (params.length !== 1) throw new GraphError(132000, `button[${index}]: number of parameters (${params.length}) does not match the expected number of params (1)`);
    const value = params[0][need.parameterType];
    if (params[0].type !== need.parameterType || typeof value !== 'string' || value === '') {
      throw missingParameter(`button[${index}].parameters[0].${need.parameterType}`);
    }
  });
}

function checkQuickReply(given: SendComponent, index: number): void {
  for (const p of parametersOf(given, `button[${index}]`)) {
    if (p.type !== 'payload' || typeof p.payload !== 'string') throw missingParameter(`button[${index}].parameters[].payload`);
  }
}
