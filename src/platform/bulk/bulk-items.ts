import { isUuid } from '../../shared/ids.ts';
import type { ProcedureModel } from '../procedures/procedure-model.ts';

/** How a bulk-update item names its process (API.md §3, "Bulk update items"). */
export type ItemTarget = { kind: 'id'; id: string } | { kind: 'pk'; value: string } | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `"id": "<uuid>"`, or `"<primaryKeyShortId>": "<value>"`; an `id` that is not a UUID is taken as
 * a primary-key value (one of ChakraHQ's doc examples does this).
 */
export function targetOf(item: unknown, procedure: ProcedureModel): ItemTarget {
  if (!isObject(item)) return null;
  const id = item.id;
  if (typeof id === 'string' && isUuid(id)) return { kind: 'id', id: id.toLowerCase() };
  if ((typeof id === 'string' && id !== '') || typeof id === 'number') return { kind: 'pk', value: String(id) };
  const pk = procedure.primaryKey?.shortId;
  const value = pk === undefined ? undefined : item[pk];
  if (typeof value === 'string' || typeof value === 'number') return { kind: 'pk', value: String(value) };
  return null;
}

/**
 * The change an update item asks for: the `update` object when given, else the item's own keys
 * without its identifier (both forms appear in ChakraHQ's docs). `isDeleted` is split out.
 */
export function changeOf(item: Record<string, unknown>, procedure: ProcedureModel): { change: Record<string, unknown>; isDeleted: unknown } {
  const source = isObject(item.update) ? item.update : item;
  const { isDeleted, ...rest } = source;
  if (source === item) {
    // The identifier is not part of the change; a new primary-key value goes in `data`.
    delete rest.id;
    if (procedure.primaryKey) delete rest[procedure.primaryKey.shortId];
  }
  return { change: rest, isDeleted };
}

/**
 * Which partition an item belongs to: all items of one process share one, so they apply in order.
 * `pkOfId` gives the primary-key value of processes named by UUID, so that an item naming a process
 * by UUID and another naming it by key get the same key.
 */
export function partitionKey(item: unknown, index: number, procedure: ProcedureModel, apiType: string, pkOfId?: ReadonlyMap<string, string>): string {
  if (apiType === 'process:ext-update') {
    const target = targetOf(item, procedure);
    if (target === null) return `#${index}`;
    if (target.kind === 'pk') return `pk:${target.value}`;
    const pk = pkOfId?.get(target.id);
    return pk === undefined ? `id:${target.id}` : `pk:${pk}`;
  }
  const pk = procedure.primaryKey?.shortId;
  if (pk && isObject(item)) {
    const value = item[pk] ?? (isObject(item.data) ? item.data[pk] : undefined);
    if (typeof value === 'string' || typeof value === 'number') return `pk:${value}`;
  }
  return `#${index}`;
}

/** FNV-1a: a small, stable string hash, to spread partition keys evenly. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

export { isObject };
