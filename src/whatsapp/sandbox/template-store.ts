/**
 * Message templates per WABA: create (PENDING, then APPROVED after the configured delay, or
 * REJECTED for names on the reject list), read, edit, delete and cursor-paged listing.
 */
import { GraphError } from './graph-errors.ts';
import { decodeCursor, encodeCursor, newObjectId } from './sandbox-ids.ts';
import { normalizeComponents, type ParameterFormat, type TemplateComponent } from './template-components.ts';

export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | 'PENDING_DELETION' | 'DELETED' | 'LIMIT_EXCEEDED' | 'ARCHIVED';
export const TEMPLATE_STATUSES: readonly TemplateStatus[] = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'PENDING_DELETION', 'DELETED', 'LIMIT_EXCEEDED', 'ARCHIVED'];
const CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'UTILITY'];
const EDITABLE: readonly TemplateStatus[] = ['APPROVED', 'REJECTED', 'PAUSED'];

export interface TemplateRecord {
  readonly id: string;
  readonly wabaId: string;
  readonly name: string;
  readonly language: string;
  category: string;
  status: TemplateStatus;
  readonly parameterFormat: ParameterFormat;
  components: TemplateComponent[];
  rejectedReason: string;
}

export interface TemplatePage {
  readonly items: TemplateRecord[];
  readonly before: string | null;
  readonly after: string | null;
  readonly hasPrevious: boolean;
  readonly hasNext: boolean;
}

export interface TemplateFilter {
  readonly name?: string;
  readonly status?: readonly string[];
  readonly category?: readonly string[];
  readonly language?: readonly string[];
}

const invalid = (details: string) => new GraphError(100, details);

export class TemplateStore {
  // Insertion order is creation order: the order pages are cut in.
  readonly #templates = new Map<string, TemplateRecord>();

  create(wabaId: string, body: Record<string, unknown>): TemplateRecord {
    const name = body.name;
    if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name)) {
      throw invalid('name is required: lowercase letters, digits and underscores, at most 512 characters.');
    }
    const language = body.language;
    if (typeof language !== 'string' || !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(language)) throw invalid('language is required, e.g. "en_US".');
    const category = String(body.category ?? '').toUpperCase();
    if (!CATEGORIES.includes(category)) throw invalid(`category must be one of ${CATEGORIES.join(', ')}.`);
    const parameterFormat = String(body.parameter_format ?? 'positional').toUpperCase();
    if (parameterFormat !== 'POSITIONAL' && parameterFormat !== 'NAMED') throw invalid('parameter_format must be "positional" or "named".');
    if (this.find(wabaId, name, language)) {
      throw new GraphError(100, `A template named ${name} already exists in ${language}.`, { subcode: 2388024 });
    }
    const components = normalizeComponents(body.components, parameterFormat, category);
    const record: TemplateRecord = {
      id: newObjectId(), wabaId, name, language, category, status: 'PENDING', parameterFormat, components, rejectedReason: 'NONE',
    };
    this.#templates.set(record.id, record);
    return record;
  }

  /** Meta's template edit: new components and/or category; the template is reviewed again. */
  update(record: TemplateRecord, body: Record<string, unknown>): void {
    if (!EDITABLE.includes(record.status)) throw invalid(`A template in status ${record.status} cannot be edited.`);
    if (body.category !== undefined) {
      const category = String(body.category).toUpperCase();
      if (!CATEGORIES.includes(category)) throw invalid(`category must be one of ${CATEGORIES.join(', ')}.`);
      if (record.status === 'APPROVED' && category !== record.category) throw invalid('The category of an approved template cannot change.');
      record.category = category;
    }
    if (body.components !== undefined) record.components = normalizeComponents(body.components, record.parameterFormat, record.category);
  }

  get(id: string): TemplateRecord | undefined {
    return this.#templates.get(id);
  }

  find(wabaId: string, name: string, language: string): TemplateRecord | undefined {
    for (const t of this.#templates.values()) if (t.wabaId === wabaId && t.name === name && t.language === language) return t;
    return undefined;
  }

  /** Deletes every language of `name`, or only the one with id `hsmId`. */
  delete(wabaId: string, name: string, hsmId?: string): number {
    const doomed = [...this.#templates.values()].filter((t) => t.wabaId === wabaId && t.name === name && (!hsmId || t.id === hsmId));
    for (const t of doomed) this.#templates.delete(t.id);
    return doomed.length;
  }

  list(wabaId: string, filter: TemplateFilter, paging: { limit: number; after?: string; before?: string }): TemplatePage {
    const all = [...this.#templates.values()].filter((t) => t.wabaId === wabaId && matches(t, filter));
    let start = 0;
    let end = all.length;
    if (paging.after !== undefined) start = cursorIndex(all, paging.after) + 1;
    if (paging.before !== undefined) end = cursorIndex(all, paging.before);
    const items = paging.before !== undefined && paging.after === undefined
      ? all.slice(Math.max(start, end - paging.limit), end)
      : all.slice(start, Math.min(end, start + paging.limit));
    const first = items.length > 0 ? all.indexOf(items[0]) : start;
    const last = items.length > 0 ? all.indexOf(items[items.length - 1]) : start - 1;
    return {
      items,
      before: items.length > 0 ? encodeCursor(items[0].id) : null,
      after: items.length > 0 ? encodeCursor(items[items.length - 1].id) : null,
      hasPrevious: first > 0,
      hasNext: last < all.length - 1,
    };
  }

  clear(): void {
    this.#templates.clear();
  }
}

function cursorIndex(all: readonly TemplateRecord[], cursor: string): number {
  const id = decodeCursor(cursor);
  const index = id === null ? -1 : all.findIndex((t) => t.id === id);
  if (index < 0) throw invalid('The paging cursor is not valid.');
  return index;
}

function matches(t: TemplateRecord, filter: TemplateFilter): boolean {
  if (filter.name !== undefined && !t.name.includes(filter.name)) return false;
  if (filter.status && !filter.status.includes(t.status)) return false;
  if (filter.category && !filter.category.includes(t.category)) return false;
  if (filter.language && !filter.language.includes(t.language)) return false;
  return true;
}

/** The template as Meta's reads show it, keeping only `fields` when given (the id always). */
export function templateView(t: TemplateRecord, fields?: readonly string[]): Record<string, unknown> {
  const full: Record<string, unknown> = {
    name: t.name,
    parameter_format: t.parameterFormat,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    ...(t.status === 'REJECTED' ? { rejected_reason: t.rejectedReason } : {}),
    id: t.id,
  };
  if (!fields || fields.length === 0) return full;
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (field in full) picked[field] = full[field];
  picked.id = t.id;
  return picked;
}
