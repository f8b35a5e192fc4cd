import { listTotal } from './bulk-http.ts';
import { CITY_SCORE_FILTER, leadGenerator } from './data.ts';
import { measure, processCpuMs, processRssMiB, runOnce, summarize, type Measurement, type Workload } from './measure.ts';
import { prepareTeam, PROCEDURE, seedInProcess } from './seed.ts';
import { startApiServer, type RunningServer } from './servers.ts';
import { prepareStorage, type DialectName } from './suite.ts';

/**
 * "Mixed": writers and readers of one procedure at the same time. Each workload first runs alone
 * with its connections, then all three run together for much longer while the creates keep
 * growing `lead`. Mixed ÷ alone per workload says how much each loses to the others; their sum
 * says whether the server's capacity is shared or wasted (about 1 when a saturated server loses
 * nothing to the mix; above 1 when a workload alone could not keep it busy). The
 * server's resident memory is read every second: after the warm-up it must stay flat, or
 * something grows with the requests served.
 */

export interface MixedOptions {
  /** Length of the mixed run (300 s; 20 s with --quick). */
  readonly seconds: number;
  /** Each workload alone, after a warm-up of `warmupSeconds` (30 s; 5 s with --quick). */
  readonly aloneSeconds: number;
  readonly warmupSeconds: number;
  /** Where in the mixed run the warm-up ends: the RSS the end is compared with (30 s; 5 s). */
  readonly rssReferenceSeconds: number;
  readonly postgresUrl: string;
  readonly log: (line: string) => void;
}

export interface MixedRun {
  readonly dialect: DialectName;
  readonly connectionsPerWorkload: number;
  readonly seededLeads: number;
  readonly listWhere: unknown;
  /** Leads in the procedure when the mixed run ended (it grows with every create). */
  readonly leadsAtEnd: number;
  readonly seconds: number;
  readonly aloneSeconds: number;
  readonly alone: Measurement[];
  readonly mixed: Measurement[];
  /** The server's CPU time per request over the whole mixed run, all workloads together. */
  readonly mixedServerCpuMsPerRequest: number | null;
  readonly rss: {
    readonly referenceSeconds: number;
    /** VmRSS in MiB: before the mixed run, then one sample a second (index = seconds into it). */
    readonly samplesMiB: number[];
    readonly startMiB: number;
    readonly atReferenceMiB: number;
    readonly endMiB: number;
    readonly maxMiB: number;
  };
}

export const CONNECTIONS_PER_WORKLOAD = 3;
/** Leads present when the runs start; the list filter matches about a fifth of them. */
const SEEDED_LEADS = 10_000;
const SEED_DATA = 1;
const SEED_CREATES = 2;
const ROUTE = `/v1/ext/procedure/${PROCEDURE}/process`;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** The creates' numbering carries on from the alone run into the mixed one, so phone numbers stay distinct. */
function workloads(token: string, ids: readonly string[]): Workload[] {
  const bodies = leadGenerator(SEED_CREATES);
  let created = SEEDED_LEADS;
  const list = JSON.stringify({ where: CITY_SCORE_FILTER, limit: 50 });
  return [
    { name: 'create', method: 'POST', token, next: () => ({ path: ROUTE, body: JSON.stringify(bodies(created++)) }) },
    { name: 'fetch', method: 'GET', token, next: () => ({ path: `${ROUTE}/${pick(ids)}` }) },
    { name: 'list', method: 'POST', token, next: () => ({ path: `${ROUTE}/list`, body: list }) },
  ];
}

/** All workloads at once for `seconds`, the server's RSS read every second meanwhile. */
async function runTogether(api: RunningServer, plan: readonly Workload[], seconds: number) {
  const samples: number[] = [processRssMiB(api.pid) ?? NaN];
  const sampler = setInterval(() => samples.push(processRssMiB(api.pid) ?? NaN), 1000);
  const cpuBefore = processCpuMs(api.pid);
  try {
    const runs = await Promise.all(plan.map((w) => runOnce(api.url, w, CONNECTIONS_PER_WORKLOAD, seconds)));
    const cpuAfter = processCpuMs(api.pid);
    samples.push(processRssMiB(api.pid) ?? NaN);
    const answered = runs.reduce((total, r) => total + r.latencies.length + r.non2xx, 0);
    const cpuPerRequest = cpuBefore === null || cpuAfter === null || answered === 0 ? null : Math.round(((cpuAfter - cpuBefore) / answered) * 1000) / 1000;
    return { measurements: runs.map((run, i) => summarize(plan[i].name, run, null)), cpuPerRequest, samples };
  } finally {
    clearInterval(sampler);
  }
}

export async function runMixed(dialect: DialectName, options: MixedOptions): Promise<MixedRun> {
  const { log } = options;
  const storage = await prepareStorage(dialect, options.postgresUrl);
  let api: RunningServer | undefined;
  try {
    const token = await prepareTeam(storage.apiEnv);
    log(`${dialect}: mixed — seeding ${SEEDED_LEADS} leads…`);
    const { ids } = await seedInProcess(storage.apiEnv, token, SEEDED_LEADS, SEED_DATA);
    api = await startApiServer(storage.apiEnv);
    const plan = workloads(token, ids);
    const settings = { connections: CONNECTIONS_PER_WORKLOAD, seconds: options.aloneSeconds, warmupSeconds: options.warmupSeconds };
    const alone: Measurement[] = [];
    for (const workload of plan) {
      const result = await measure(api.url, workload, settings, api.pid);
      log(`${dialect}: alone ${workload.name.padEnd(6)} ${String(result.reqPerSec).padStart(6)} req/s  p99 ${result.p99Ms} ms`);
      alone.push(result);
    }
    log(`${dialect}: all three at once for ${options.seconds} s (RSS ${processRssMiB(api.pid)} MiB)…`);
    const together = await runTogether(api, plan, options.seconds);
    for (const m of together.measurements) log(`${dialect}: mixed ${m.name.padEnd(6)} ${String(m.reqPerSec).padStart(6)} req/s  p99 ${m.p99Ms} ms`);
    const samples = together.samples;
    const rss = {
      referenceSeconds: options.rssReferenceSeconds,
      samplesMiB: samples,
      startMiB: samples[0],
      atReferenceMiB: samples[Math.min(options.rssReferenceSeconds, samples.length - 1)],
      endMiB: samples[samples.length - 1],
      maxMiB: Math.max(...samples.filter((s) => !Number.isNaN(s))),
    };
    log(`${dialect}: RSS ${rss.startMiB} MiB at start, ${rss.atReferenceMiB} MiB at ${rss.referenceSeconds} s, ${rss.endMiB} MiB at the end (max ${rss.maxMiB})`);
    return {
      dialect, connectionsPerWorkload: CONNECTIONS_PER_WORKLOAD, seededLeads: SEEDED_LEADS, listWhere: CITY_SCORE_FILTER, leadsAtEnd: await listTotal(api.url, token),
      seconds: options.seconds, aloneSeconds: options.aloneSeconds, alone, mixed: together.measurements,
      mixedServerCpuMsPerRequest: together.cpuPerRequest, rss,
    };
  } catch (error: unknown) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}${api ? `\n${api.describe()}` : ''}`, { cause: error });
  } finally {
    await api?.stop();
    await storage.cleanup();
  }
}
