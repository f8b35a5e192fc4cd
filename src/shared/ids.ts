import { v7 as uuidv7, validate, version } from 'uuid';

/** New object ids are UUIDv7: they sort by creation time, which keeps indexes append-mostly. */
export function newId(): string {
  return uuidv7();
}

/** Any RFC 4122/9562 UUID (clients may supply v4 ids, e.g. offline photo ids). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && validate(value) && version(value) > 0;
}
