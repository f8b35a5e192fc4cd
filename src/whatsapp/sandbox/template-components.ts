/**
 * Template components as Meta stores them (types and formats uppercase), checked on create and
 * update, and what each one asks of a send: how many parameters, under which names.
 */
import { GraphError } from './graph-errors.ts';

export type ParameterFormat = 'POSITIONAL' | 'NAMED';

export type TemplateComponent = Record<string, unknown> & { type: string };

const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];
const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'VOICE_CALL', 'CATALOG', 'MPM'];
const COMPONENT_TYPES = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS', 'CALL_PERMISSION_REQUEST'];

const POSITIONAL = /\{\{\s*(\d+)\s*\}\}/g;
const NAMED = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;
const ANY_PLACEHOLDER = /\{\{([^}]*)\}\}/g;

const invalid = (details: string) => new GraphError(100, details);

/** The placeholders of a text, in order of first appearance: "1", "2" … or names. */
export function placeholdersOf(text: unknown, format: ParameterFormat): string[] {
  if (typeof text !== 'string') return [];
  const found = [...text.matchAll(format === 'NAMED' ? NAMED : POSITIONAL)].map((m) => m[1]);
  return [...new Set(found)];
}

/** Checks a text's placeholders fit the template's format: {{1}}..{{n}} in order, or names. */
function checkPlaceholders(where: string, text: string, format: ParameterFormat): void {
  const all = [...text.matchAll(ANY_PLACEHOLDER)].map((m) => m[1].trim());
  const pattern = format === 'NAMED' ? /^[a-z_][a-z0-9_]*$/ : /^\d+$/;
  const wrong = all.find((p) => !pattern.test(p));
  if (wrong !== undefined) {
    const expected = format === 'NAMED' ? 'named parameters such as {{first_name}}' : 'positional parameters such as {{1}}';
    throw invalid(`${where}: {{${wrong}}} is not valid here; a ${format.toLowerCase()} template uses ${expected}.`);
  }
  if (format === 'POSITIONAL') {
    const numbers = placeholdersOf(text, format).map(Number).sort((a, b) => a - b);
    if (numbers.some((n, i) => n !== i + 1)) throw invalid(`${where}: positional parameters must be numbered {{1}}, {{2}} … without gaps.`);
  }
}

const upper = (value: unknown): string => (typeof value === 'string' ? value.toUpperCase() : '');

/** Normalises and checks the components of a create or update request. */
export function normalizeComponents(input: unknown, format: ParameterFormat, category: string): TemplateComponent[] {
  if (!Array.isArray(input) || input.length === 0) throw invalid('components must be a non-empty list.');
  const components = input.map((raw, i) => normalizeComponent(raw, i, format));
  const count = (type: string) => components.filter((c) => c.type === type).length;
  for (const type of COMPONENT_TYPES) if (count(type) > 1) throw invalid(`Only one ${type} component is allowed.`);
  if (count('BODY') === 0) throw invalid('A template needs a BODY component.');
  const body = components.find((c) => c.type === 'BODY');
  if (category !== 'AUTHENTICATION' && typeof body?.text !== 'string') throw invalid('components[BODY].text is required.');
  return components;
}

function normalizeComponent(raw: unknown, index: number, format: ParameterFormat): TemplateComponent {
  if (typeof raw !== 'object' || raw === null) throw invalid(`components[${index}] must be an object.`);
  const component: TemplateComponent = { ...(raw as Record<string, unknown>), type: upper((raw as Record<string, unknown>).type) };
  const where = `components[${index}]`;
  switch (component.type) {
    case 'HEADER': return normalizeHeader(component, where, format);
    case 'BODY':
      if (component.text !== undefined) checkText(component.text, `${where}.text`, 1024, format);
      return component;
    case 'FOOTER':
      checkText(component.text, `${where}.text`, 60, format);
      if (placeholdersOf(component.text, format).length > 0) throw invalid(`${where}: a footer takes no parameters.`);
      return component;
    case 'BUTTONS': return normalizeButtons(component, where);
    case 'CALL_PERMISSION_REQUEST': return component;
    default: throw invalid(`${where}.type must be one of ${COMPONENT_TYPES.join(', ')}.`);
  }
}

function checkText(text: unknown, where: string, max: number, format: ParameterFormat): void {
  if (typeof text !== 'string' || text.trim() === '') throw invalid(`${where} is required.`);
  if (text.length > max) throw invalid(`${where} must be at most ${max} characters.`);
  checkPlaceholders(where, text, format);
}

function normalizeHeader(component: TemplateComponent, where: string, format: ParameterFormat): TemplateComponent {
  const headerFormat = upper(component.format) || 'TEXT';
  if (!HEADER_FORMATS.includes(headerFormat)) throw invalid(`${where}.format must be one of ${HEADER_FORMATS.join(', ')}.`);
  if (headerFormat === 'TEXT') {
    checkText(component.text, `${where}.text`, 60, format);
    if (placeholdersOf(component.text, format).length > 1) throw invalid(`${where}: a text header takes at most one parameter.`);
  }
  return { ...component, format: headerFormat };
}

function normalizeButtons(component: TemplateComponent, where: string): TemplateComponent {
  const buttons = component.buttons;
  if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > 10) throw invalid(`${where}.buttons must hold 1 to 10 buttons.`);
  const normalized = buttons.map((raw, i) => {
    const button: Record<string, unknown> & { type: string } = { ...(raw as Record<string, unknown>), type: upper((raw as Record<string, unknown>)?.type) };
    if (!BUTTON_TYPES.includes(button.type)) throw invalid(`${where}.buttons[${i}].type must be one of ${BUTTON_TYPES.join(', ')}.`);
    if (button.type !== 'OTP' && (typeof button.text !== 'string' || button.text.length > 25)) {
      throw invalid(`${where}.buttons[${i}].text is required (at most 25 characters).`);
    }
    if (button.type === 'URL') {
      if (typeof button.url !== 'string') throw invalid(`${where}.buttons[${i}].url is required.`);
      checkPlaceholders(`${where}.buttons[${i}].url`, button.url, 'POSITIONAL');
    }
    return button;
  });
  return { ...component, buttons: normalized };
}

/** What a send must supply for one button, or null when the button takes no value. */
export function buttonNeed(button: Record<string, unknown>): { subType: string; parameterType: string } | null {
  if (button.type === 'URL' && placeholdersOf(button.url, 'POSITIONAL').length > 0) return { subType: 'url', parameterType: 'text' };
  if (button.type === 'COPY_CODE') return { subType: 'copy_code', parameterType: 'coupon_code' };
  // One-time-password buttons are addressed as a URL button carrying the code at send time.
  if (button.type === 'OTP') return { subType: 'url', parameterType: 'text' };
  return null;
}
