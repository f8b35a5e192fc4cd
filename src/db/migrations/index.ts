import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect/dialect.ts';
import * as m0001 from './0001_init.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */
export interface MigrationModule {
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** The static, ordered, forward-only list of migrations. Append; never edit a shipped one. */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, module: MigrationModule]> = [['0001_init', m0001]];
