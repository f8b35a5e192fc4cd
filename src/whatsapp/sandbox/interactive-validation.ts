/** Shape checks for `interactive` messages (Meta's limits on buttons, lists, CTA URLs, flows). */
import { invalidParameter, missingParameter } from './graph-errors.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(value: unknown, where: string, max: number): string {
  if (typeof value !== 'string' || value === '') throw missingParameter(where);
  if (value.length > max) throw invalidParameter(`${where} must be at most ${max} characters.`);
  return value;
}

const INTERACTIVE_TYPES = [
  'button', 'list', 'cta_url', 'flow', 'product', 'product_list', 'catalog_message',
  'location_request_message', 'call_permission_request', 'address_message',
];

export function checkInteractive(interactive: unknown): void {
  if (!isObj(interactive)) throw missingParameter('interactive');
  const type = interactive.type;
  if (typeof type !== 'string') throw missingParameter('interactive.type');
  if (!INTERACTIVE_TYPES.includes(type)) throw invalidParameter(`interactive.type must be one of ${INTERACTIVE_TYPES.join(', ')}.`);
  if (interactive.header !== undefined) checkHeader(interactive.header);
  if (interactive.footer !== undefined) text((interactive.footer as Obj)?.text, 'interactive.footer.text', 60);
  const needsBody = !['call_permission_request', 'product', 'catalog_message'].includes(type);
  if (needsBody || interactive.body !== undefined) text((interactive.body as Obj)?.text, 'interactive.body.text', 1024);
  const action = interactive.action;
  if (!isObj(action)) throw missingParameter('interactive.action');
  switch (type) {
    case 'button': return checkReplyButtons(action);
    case 'list': return checkList(action);
    case 'cta_url': return checkCtaUrl(action);
    case 'flow': return checkFlow(action);
    case 'call_permission_request':
      if (action.name !== 'call_permission_request') throw invalidParameter('interactive.action.name must be "call_permission_request".');
      return;
    default: return;
  }
}

function checkHeader(header: unknown): void {
  if (!isObj(header)) throw invalidParameter('interactive.header must be an object.');
  const type = header.type;
  if (type === 'text') return void text(header.text, 'interactive.header.text', 60);
  if (type === 'image' || type === 'video' || type === 'document') {
    const media = header[type] as Obj | undefined;
    if (typeof media?.link !== 'string' && typeof media?.id !== 'string') throw missingParameter(`interactive.header.${type}.link or id`);
    return;
  }
  throw invalidParameter('interactive.header.type must be text, image, video or document.');
}

function checkReplyButtons(action: Obj): void {
  const buttons = action.buttons;
  if (!Array.isArray(buttons) || buttons.length === 0) throw missingParameter('interactive.action.buttons');
  if (buttons.length > 3) throw invalidParameter('interactive.action.buttons holds at most 3 buttons.');
  const titles = new Set<string>();
  buttons.forEach((button, i) => {
    const where = `interactive.action.buttons[${i}]`;
    if (!isObj(button) || button.type !== 'reply' || !isObj(button.reply)) throw invalidParameter(`${where} must be {type: "reply", reply: {id, title}}.`);
    text(button.reply.id, `${where}.reply.id`, 256);
    const title = text(button.reply.title, `${where}.reply.title`, 20);
    if (titles.has(title)) throw invalidParameter(`${where}.reply.title must be unique.`);
    titles.add(title);
  });
}

function checkList(action: Obj): void {
  text(action.button, 'interactive.action.button', 20);
  const sections = action.sections;
  if (!Array.isArray(sections) || sections.length === 0) throw missingParameter('interactive.action.sections');
  if (sections.length > 10) throw invalidParameter('interactive.action.sections holds at most 10 sections.');
  let rows = 0;
  sections.forEach((section, i) => {
    const where = `interactive.action.sections[${i}]`;
    if (!isObj(section) || !Array.isArray(section.rows) || section.rows.length === 0) throw missingParameter(`${where}.rows`);
    if (sections.length > 1 || section.title !== undefined) text(section.title, `${where}.title`, 24);
    section.rows.forEach((row: unknown, j: number) => {
      const rowWhere = `${where}.rows[${j}]`;
      if (!isObj(row)) throw invalidParameter(`${rowWhere} must be an object.`);
      text(row.id, `${rowWhere}.id`, 200);
      text(row.title, `${rowWhere}.title`, 24);
      if (row.description !== undefined) text(row.description, `${rowWhere}.description`, 72);
    });
    rows += section.rows.length;
  });
  if (rows > 10) throw invalidParameter('A list holds at most 10 rows in all.');
}

function checkCtaUrl(action: Obj): void {
  if (action.name !== 'cta_url') throw invalidParameter('interactive.action.name must be "cta_url".');
  const parameters = action.parameters as Obj | undefined;
  text(parameters?.display_text, 'interactive.action.parameters.display_text', 20);
  const url = text(parameters?.url, 'interactive.action.parameters.url', 2000);
  if (!/^https?:\/\//.test(url)) throw invalidParameter('interactive.action.parameters.url must be an http(s) URL.');
}

function checkFlow(action: Obj): void {
  if (action.name !== 'flow') throw invalidParameter('interactive.action.name must be "flow".');
  const parameters = action.parameters as Obj | undefined;
  if (!isObj(parameters)) throw missingParameter('interactive.action.parameters');
  if (parameters.flow_message_version !== '3') throw invalidParameter('interactive.action.parameters.flow_message_version must be "3".');
  if (typeof parameters.flow_id !== 'string' && typeof parameters.flow_name !== 'string') {
    throw missingParameter('interactive.action.parameters.flow_id or flow_name');
  }
  text(parameters.flow_cta, 'interactive.action.parameters.flow_cta', 30);
}
