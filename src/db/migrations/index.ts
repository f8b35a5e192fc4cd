import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect/dialect.ts';
import * as m0001 from './0001_init.ts';
import * as m0002 from './0002_photos.ts';
import * as m0003 from './0003_processes.ts';
import * as m0004 from './0004_jobs.ts';
import * as m0005 from './0005_fewer_write_indexes.ts';
import * as m0006 from './0006_procedure_tables.ts';
import * as m0007 from './0007_whatsapp_plugins.ts';
import * as m0008 from './0008_whatsapp_messages.ts';
import * as m0009 from './0009_job_queues.ts';
import * as m0010 from './0010_webhook_deliveries.ts';
import * as m0011 from './0011_whatsapp_inbound.ts';
import * as m0012 from './0012_whatsapp_chat_lists.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */
export interface MigrationModule {
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** The static, ordered, forward-only list of migrations. Append; never edit a shipped one. */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, module: MigrationModule]> = [
  ['0001_init', m0001],
  ['0002_photos', m0002],
  ['0003_processes', m0003],
  ['0004_jobs', m0004],
  ['0005_fewer_write_indexes', m0005],
  ['0006_procedure_tables', m0006],
  ['0007_whatsapp_plugins', m0007],
  ['0008_whatsapp_messages', m0008],
  ['0009_job_queues', m0009],
  ['0010_webhook_deliveries', m0010],
  ['0011_whatsapp_inbound', m0011],
  ['0012_whatsapp_chat_lists', m0012],
];
