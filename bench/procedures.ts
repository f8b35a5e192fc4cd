import { listTotal, submit, waitForJob } from './bulk-http.ts';
import { bulkCreateItems } from './bulk.ts';
import { addCrowd, refreshStatistics, type CrowdResult } from './crowd.ts';
import { CITY_SCORE_FILTER, leadGenerator } from './data.ts';
import { measure, type Measurement, type RunSettings, type Workload } from './measure.ts';
import { prepareTeam, PROCEDURE, seedInProcess } from './seed.ts';
import { startApiServer, type RunningServer } from './servers.ts';
import { prepareStorage, type DialectName, type Storage } from './suite.ts';

/**
 * "Many procedures": does one procedure stay as fast when the database holds many others? The
 * bench's `lead` is measured in two databases prepared alike — the same leads seeded the same
 * way — except that the second also holds `crowdProcedures` procedures of 11 attributes in teams
 * of five, each with `perProcedure` processes. Both servers run side by side and each workload
 * runs on one, then at once on the other, so load from elsewhere on the machine drifts between
 * the two figures of a pair as little as possible.
 */

export interface ProceduresOptions {
  /** Other procedures in the crowded database (200; 20 with --quick). */
  readonly crowdProcedures: number;
  /** Processes in each of them, and seeded in `lead` on both sides (1,000). */
  readonly perProcedure: number;
  readonly bulkItems: number;
  /** 10 connections; `seconds` per workload after the warm-up. */
  readonly settings: RunSettings;
  readonly postgresUrl: string;
  readonly log: (line: string) => void;
}

export interface BulkCreateFigure {
  readonly items: number;
  readonly acceptSeconds: number;
  /** From the accept answer to the job's completedAt. */
  readonly finishSeconds: number;
  /** items ÷ finishSeconds. */
  readonly entriesPerSecond: number;
  readonly problems: string[];
}

/** One side of the comparison. */
export interface ProceduresSide {
  readonly label: string;
  readonly procedures: number;
  readonly measurements: Measurement[];
  readonly bulk: BulkCreateFigure;
  /** Leads the list filter matches when the list workload starts. */
  readonly listMatches: number;
}

export interface ProceduresRun {
  readonly dialect: DialectName;
  readonly leadProcesses: number;
  readonly crowd: CrowdResult;
  readonly listWhere: unknown;
  readonly alone: ProceduresSide;
  readonly crowded: ProceduresSide;
}

// The suite's seeds: the same leads, and creates continue their numbering.
const SEED_DATA = 1;
const SEED_CREATES = 2;
const LIST_LIMIT = 50;
const ROUTE = `/v1/ext/procedure/${PROCEDURE}/process`;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** Reads first, then writes, so both reads see exactly the seeded leads. */
function workloads(token: string, ids: readonly string[], seeded: number): Workload[] {
  const bodies = leadGenerator(SEED_CREATES);
  let created = seeded;
  const list = JSON.stringify({ where: CITY_SCORE_FILTER, limit: LIST_LIMIT });
  return [
    { name: 'fetch', method: 'GET', token, next: () => ({ path: `${ROUTE}/${pick(ids)}` }) },
    { name: 'list', method: 'POST', token, next: () => ({ path: `${ROUTE}/list`, body: list }) },
    { name: 'create', method: 'POST', token, next: () => ({ path: ROUTE, body: JSON.stringify(bodies(created++)) }) },
  ];
}

interface Prepared {
  readonly storage: Storage;
  readonly token: string;
  readonly ids: string[];
  readonly crowd?: CrowdResult;
}

async function prepare(dialect: DialectName, options: ProceduresOptions, crowded: boolean): Promise<Prepared> {
  const storage = await prepareStorage(dialect, options.postgresUrl);
  try {
    const token = await prepareTeam(storage.apiEnv);
    const { ids } = await seedInProcess(storage.apiEnv, token, options.perProcedure, SEED_DATA);
    if (!crowded) {
      await refreshStatistics(storage.apiEnv);
      return { storage, token, ids };
    }
    const crowd = await addCrowd(storage.apiEnv, options.crowdProcedures, options.perProcedure, options.log);
    return { storage, token, ids, crowd };
  } catch (error: unknown) {
    await storage.cleanup();
    throw error;
  }
}

async function bulkCreate(api: RunningServer, token: string, items: number, log: (line: string) => void): Promise<BulkCreateFigure> {
  const accepted = await submit(api.url, token, 'POST', `${ROUTE}/bulk-create`, JSON.stringify(bulkCreateItems(items)));
  const finished = await waitForJob(api.url, token, accepted, log);
  const finishSeconds = Math.max(0.001, (finished.job.completedAt - accepted.atEpoch) / 1000);
  const problems: string[] = [];
  if (finished.job.completionStatus !== 'SUCCESS') problems.push(`job ended ${finished.job.completionStatus}: ${finished.job.statusMessage}`);
  if (finished.counts.SUCCESS !== items) problems.push(`${finished.counts.SUCCESS} of ${items} entries SUCCESS (${JSON.stringify(finished.counts)})`);
  return { items, acceptSeconds: round3(accepted.seconds), finishSeconds: round3(finishSeconds), entriesPerSecond: Math.round(items / finishSeconds), problems };
}

export async function runProcedures(dialect: DialectName, options: ProceduresOptions): Promise<ProceduresRun> {
  const { log, settings } = options;
  log(`${dialect}: many procedures — preparing \`${PROCEDURE}\` alone, then beside ${options.crowdProcedures} procedures × ${options.perProcedure} processes…`);
  const sides: Prepared[] = [];
  const servers: RunningServer[] = [];
  try {
    sides.push(await prepare(dialect, options, false));
    sides.push(await prepare(dialect, options, true));
    // One worker, in the serving process, runs the bulk job on both sides.
    for (const side of sides) servers.push(await startApiServer({ ...side.storage.apiEnv, WORKER_CONCURRENCY: '1' }));
    const names = [`${PROCEDURE} alone`, `+${options.crowdProcedures} procedures`];
    const matches = await Promise.all(servers.map((api, i) => listTotal(api.url, sides[i].token, CITY_SCORE_FILTER)));
    const measured: Measurement[][] = [[], []];
    const plans = sides.map((side) => workloads(side.token, side.ids, options.perProcedure));
    for (let w = 0; w < plans[0].length; w++) {
      for (let s = 0; s < 2; s++) {
        const result = await measure(servers[s].url, plans[s][w], settings, servers[s].pid);
        log(`${dialect}: ${names[s].padEnd(16)} ${result.name.padEnd(7)} ${String(result.reqPerSec).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms` +
          `${result.non2xx + result.errors > 0 ? `  FAILURES ${result.non2xx + result.errors}: ${result.firstFailure ?? ''}` : ''}`);
        measured[s].push(result);
      }
    }
    const bulks: BulkCreateFigure[] = [];
    for (let s = 0; s < 2; s++) {
      log(`${dialect}: ${names[s]}: bulk-create ${options.bulkItems} leads…`);
      bulks.push(await bulkCreate(servers[s], sides[s].token, options.bulkItems, log));
      log(`${dialect}: ${names[s]}: ${bulks[s].entriesPerSecond} entries/s (${bulks[s].finishSeconds} s after accept)`);
    }
    const side = (s: number): ProceduresSide => ({ label: names[s], procedures: s === 0 ? 1 : options.crowdProcedures + 1, measurements: measured[s], bulk: bulks[s], listMatches: matches[s] });
    return { dialect, leadProcesses: options.perProcedure, crowd: sides[1].crowd!, listWhere: CITY_SCORE_FILTER, alone: side(0), crowded: side(1) };
  } catch (error: unknown) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${servers.map((s) => s.describe()).join('\n')}`, { cause: error });
  } finally {
    for (const server of servers.reverse()) await server.stop();
    for (const side of sides) await side.storage.cleanup();
  }
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;
