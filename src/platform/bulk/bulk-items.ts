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

/** What links the keys items name processes by, looked up before partitioning. */
export interface KeyLinks {
  /** The current primary-key value of each process named by UUID. */
  readonly pkOfId?: ReadonlyMap<string, string>;
  /** A primary-key value as it is stored (coerced by the attribute's type); undefined when it cannot be. */
  readonly storedPk?: (value: unknown) => string | undefined;
}

/**
 * The partition of each item. All items of one process must share a partition, so they apply in
 * request order; and one process can be named by several keys within a job. An update naming it
 * by key A that sets the primary key to B makes B name it from then on; an item naming it by UUID
 * names the process that holds its current key. Keys so linked (also transitively, A → B → C) are
 * merged with a union-find, and each item goes to its group's partition: near-linear in the items.
 */
export function partitionsOf(items: readonly unknown[], procedure: ProcedureModel, apiType: string, partitions: number, links: KeyLinks = {}): number[] {
  if (partitions === 1) return items.map(() => 0);
  if (apiType !== 'process:ext-update') return items.map((item, index) => partitionOf(createKey(item, index, procedure), partitions));
  const groups = createKeyGroups();
  const keys = items.map((item, index) => {
    const target = targetOf(item, procedure);
    if (target === null) return `#${index}`;
    const key = target.kind === 'pk' ? `pk:${target.value}` : `id:${target.id}`;
    const currentPk = target.kind === 'id' ? links.pkOfId?.get(target.id) : undefined;
    if (currentPk !== undefined) groups.link(key, `pk:${currentPk}`);
    const renamedTo = newPrimaryKey(item as Record<string, unknown>, procedure, links);
    if (renamedTo !== undefined) groups.link(key, `pk:${renamedTo}`);
    return key;
  });
  return keys.map((key) => partitionOf(groups.representative(key), partitions));
}

/** Creates of one primary-key value share a partition, so the second finds the first. */
function createKey(item: unknown, index: number, procedure: ProcedureModel): string {
  const pk = procedure.primaryKey?.shortId;
  if (pk && isObject(item)) {
    const value = item[pk] ?? (isObject(item.data) ? item.data[pk] : undefined);
    if (typeof value === 'string' || typeof value === 'number') return `pk:${value}`;
  }
  return `#${index}`;
}

/** The primary-key value an update item sets, in its stored form; undefined when it sets none. */
function newPrimaryKey(item: Record<string, unknown>, procedure: ProcedureModel, links: KeyLinks): string | undefined {
  const pk = procedure.primaryKey?.shortId;
  if (pk === undefined) return undefined;
  const data = changeOf(item, procedure).change.data;
  const value = isObject(data) ? data[pk] : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  return links.storedPk?.(value) ?? String(value);
}

/** Disjoint sets of keys (union by size, path halving). */
function createKeyGroups() {
  const index = new Map<string, number>();
  const names: string[] = [];
  const parent: number[] = [];
  const size: number[] = [];
  const nodeOf = (key: string): number => {
    let node = index.get(key);
    if (node === undefined) {
      node = names.push(key) - 1;
      index.set(key, node);
      parent.push(node);
      size.push(1);
    }
    return node;
  };
  const root = (node: number): number => {
    while (parent[node] !== node) {
      parent[node] = parent[parent[node]];
      node = parent[node];
    }
    return node;
  };
  return {
    link(a: string, b: string): void {
      let [ra, rb] = [root(nodeOf(a)), root(nodeOf(b))];
      if (ra === rb) return;
      if (size[ra] < size[rb]) [ra, rb] = [rb, ra];
      parent[rb] = ra;
      size[ra] += size[rb];
    },
    /** The key standing for the whole group: the same for every key linked to it. */
    representative: (key: string): string => names[root(nodeOf(key))],
  };
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
