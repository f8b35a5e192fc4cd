import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/** Outbound webhook deliveries and their attempts (API.md §8.4). */
export async function up(_db: Kysely<any>): Promise<void> {}
