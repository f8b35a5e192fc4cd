import fs from 'node:fs';
import path from 'node:path';
import { bulkCreateItems, withChakra, type BulkVariant } from './bulk.ts';
import { submit, waitForJob, type JobWire } from './bulk-http.ts';
import { openCounter, waitForDrain, type Counter, type Counts, type DrainResult } from './inbound-drain.ts';
import { startWebhookEndpoint, type EndpointCounts, type WebhookEndpoint } from './inbound-endpoint.ts';
import { burst, inboundEvent, paced, type BurstResult, type InboundEvent, type InboundSource, type PacedPost } from './inbound-traffic.ts';
import { prepareTeam, PROCEDURE, TEAM_SLUG, withRuntime } from './seed.ts';
import type { RunningServer } from './servers.ts';
import { prepareStorage, type DialectName } from './suite.ts';

/**
 * Inbound WhatsApp events: signed Meta-shaped customer texts posted to the receiver as fast as
 * it answers (10 connections), then the time until every accepted one is processed and
 * delivered to a local webhook endpoint; then, while a bulk create runs, the time from the
 * receiver's 200 to the first arrival of each event's pass-through delivery. SQLite runs one
 * `chakra serve` (workers in-process); PostgreSQL `serve --no-worker` beside two `chakra worker`
 * processes.
 *
 * Decisions:
 * - "Processed" is the raw event marked processed: that happens in the transaction that stores
 *   the INBOUND message in its chat and creates or finds the lead, so one count covers all three.
 *   The backlog has drained when that count and the distinct pass-through deliveries both reach
 *   the accepted count; the Chakra `message` events are timed beside it, not part of the target.
 * - A warm-up burst (JIT, caches, pools) runs first; its backlog drains before the measured one.
 * - Beside the bulk job, events go out at a fixed rate for at least `pacedSeconds` and until the
 *   job has finished; the target is judged on the events sent while it ran (server clock).
 * - Delivery start is when the delivery's request reaches the endpoint (before its body), counted
 *   from when the receiver's answer reached the poster; both clocks are this process's.
 * - Texts: some carry Devanagari and emoji, so the bytes Meta signs are its escaped JSON.
 */
export const INBOUND_VARIANTS: readonly BulkVariant[] = [
  { dialect: 'sqlite', workers: 1, separateWorkers: false, targeted: true },
  { dialect: 'postgres', workers: 2, separateWorkers: true, targeted: false },
];

export interface InboundSizes {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly burstSeconds: number;
  /** Distinct customer phones the events come from (so leads are both created and found). */
  readonly customers: number;
  readonly bulkItems: number;
  readonly pacedPerSecond: number;
  readonly pacedSeconds: number;
  /** How long a backlog may take to drain before the run says it did not. */
  readonly drainTimeoutSeconds: number;
}

export interface InboundOptions extends InboundSizes {
  readonly postgresUrl: string;
  readonly log: (line: string) => void;
  readonly cpuProfDir?: string;
}

export interface Spread {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface UnderBulk {
  readonly bulkItems: number;
  readonly posted: number;
  readonly accepted: number;
  /** Accepted events sent while the bulk job ran (its startedAt..completedAt): the ones the target is about. */
  readonly duringBulk: number;
  readonly receiverP50Ms: number;
  readonly receiverP99Ms: number;
  /** From the receiver's 200 to the first byte of the event's pass-through delivery at the endpoint: events sent while the job ran, and all. */
  readonly deliveryStartMs: Spread;
  readonly deliveryStartAllMs: Spread;
  /** Accepted events whose pass-through delivery had not arrived when the run stopped waiting. */
  readonly undelivered: number;
  /** How much of the posting the bulk job was running for (server clock), and how it ended. */
  readonly bulkRunningSeconds: number;
  readonly postingSeconds: number;
  readonly bulkJob: { readonly completionStatus: string; readonly finishSeconds: number; readonly succeeded: number };
}

export interface InboundRun {
  readonly dialect: DialectName;
  readonly variant: string;
  readonly targeted: boolean;
  readonly customers: number;
  /** Events answered 200 before the bulk phase (warm-up and burst). */
  readonly acceptedTotal: number;
  readonly burst: BurstResult;
  readonly drain: DrainResult;
  /** After the burst drained: rows in the database and what the endpoint received. */
  readonly counts: Counts;
  readonly endpoint: EndpointCounts;
  readonly underBulk: UnderBulk;
}

const WABA = '102290129340411';
const PHONE = { id: '106540352242933', displayPhoneNumber: '15550001111' };
const APP_SECRET = 'bench-inbound-app-secret';
const WEBHOOK_SECRET = 'bench-inbound-webhook-secret';
const CONFIG_FILE = new URL('./config.yaml', import.meta.url);
const SERVER_ENV = { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' };

const plugins = (endpoint: WebhookEndpoint) => `
plugins:
  - type: whatsapp
    name: Inbound bench number
    wabaId: "${WABA}"
    phoneNumbers: [{ whatsappPhoneNumberId: "${PHONE.id}", displayPhoneNumber: "${PHONE.displayPhoneNumber}" }]
    accessToken: bench-inbound-access-token
    appSecret: ${APP_SECRET}
    webhookSecret: ${WEBHOOK_SECRET}
    graphApiUrl: "sandbox:"
    leadProcedure: ${PROCEDURE}
    webhooks:
      passThroughWebhookUrl: "${endpoint.passThroughUrl}"
      chakraWebhookUrl: "${endpoint.chakraUrl}"
      enableChakraWebhook: true
`;

const describe = (v: BulkVariant): string => (v.separateWorkers ? `serve --no-worker + ${v.workers} × worker` : 'serve (workers in-process)');
const round2 = (value: number): number => Math.round(value * 100) / 100;

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return round2(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

export async function runInbound(variant: BulkVariant, options: InboundOptions): Promise<InboundRun> {
  const name = `${variant.dialect} (${describe(variant)})`;
  const storage = await prepareStorage(variant.dialect, options.postgresUrl);
  const endpoint = await startWebhookEndpoint(WEBHOOK_SECRET);
  const counter = await openCounter(storage.apiTarget);
  try {
    const token = await prepareTeam(storage.apiEnv);
    // Applying the file checks the local endpoint's URL as the server will: private addresses allowed.
    const pluginId = await withRuntime({ ...storage.apiEnv, ...SERVER_ENV }, async (runtime) => {
      await runtime.services.teamConfig.apply({ teamSlug: TEAM_SLUG, text: fs.readFileSync(CONFIG_FILE, 'utf8') + plugins(endpoint), env: {} });
      return (await runtime.services.plugins.list(TEAM_SLUG))[0].id;
    });
    const source: InboundSource = { wabaId: WABA, phone: PHONE, appSecret: APP_SECRET };
    let index = 0;
    const next = () => inboundEvent(source, index++, options.customers, Date.now());
    const receiver = `/v1/webhooks/whatsapp/${pluginId}`;
    const env = { ...storage.apiEnv, ...SERVER_ENV };
    return await withChakra(variant, env, { cpuProfDir: options.cpuProfDir }, async (api, pids) => {
      const window = profileWindows(options, name, pids);
      const current = async () => ({ ...(await counter.counts()), ...endpoint.counts() });
      const post = (seconds: number) => burst(api.url, receiver, next, options.connections, seconds);
      const { warmAccepted, measured, drain } = await burstAndDrain(post, current, window, options, name);
      const counts = await settled(counter);
      const endpointCounts = endpoint.counts();
      const underBulk = await window('beside bulk', () => deliveriesUnderBulk(api, token, endpoint, receiver, next, options, name));
      return {
        dialect: variant.dialect, variant: describe(variant), targeted: variant.targeted, customers: options.customers,
        acceptedTotal: warmAccepted + measured.accepted, burst: measured, drain, counts, endpoint: endpointCounts, underBulk,
      };
    });
  } finally {
    await counter.close();
    await endpoint.close();
    await storage.cleanup();
  }
}

type Current = () => Promise<Counts & EndpointCounts>;
type Window = ReturnType<typeof profileWindows>;

/**
 * A warm-up burst (JIT, caches, pools; its backlog drained and not reported), then the measured
 * burst and the time its backlog takes to drain, counted from the burst's end.
 */
async function burstAndDrain(post: (seconds: number) => Promise<BurstResult>, current: Current, window: Window, options: InboundOptions, name: string) {
  const { log } = options;
  let warmAccepted = 0;
  if (options.warmupSeconds > 0) {
    const before = await current();
    const warm = await post(options.warmupSeconds);
    log(`${name}: warm-up ${warm.accepted} events accepted; waiting for them to drain…`);
    if (warm.accepted === 0) throw new Error(`the receiver accepted nothing: ${warm.firstFailure ?? 'no answer'}`);
    warmAccepted = warm.accepted;
    await waitForDrain(current, target(before, warm.accepted), options.drainTimeoutSeconds);
  }
  const base = await current();
  log(`${name}: posting inbound events, ${options.connections} connections, ${options.burstSeconds} s…`);
  const measured = await window('burst', () => post(options.burstSeconds));
  log(`${name}: ${measured.reqPerSec} events/s accepted (${measured.accepted}), p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms` +
    `${measured.non2xx + measured.errors > 0 ? `, FAILURES ${measured.non2xx + measured.errors}: ${measured.firstFailure ?? ''}` : ''}; draining…`);
  const drain = await window('drain', () => waitForDrain(current, target(base, measured.accepted), options.drainTimeoutSeconds));
  log(`${name}: ${drain.drained ? `drained in ${drain.seconds} s` : `NOT drained after ${options.drainTimeoutSeconds} s`} ` +
    `(processed ${drain.processedSeconds ?? '-'} s, pass-through ${drain.passThroughSeconds ?? '-'} s, chakra ${drain.chakraSeconds ?? '-'} s)`);
  return { warmAccepted, measured, drain };
}

/** Now on CLOCK_MONOTONIC in µs: the clock V8 CPU profiles time their samples with. */
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * With a CPU profile directory, notes where each phase lies on the profiles' clock and which
 * processes ran it (windows.jsonl, as bench/profile.ts reads it).
 */
function profileWindows(options: InboundOptions, name: string, pids: readonly number[]) {
  return async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const startUs = monotonicUs();
    const result = await work();
    if (options.cpuProfDir) {
      fs.appendFileSync(path.join(options.cpuProfDir, 'windows.jsonl'), JSON.stringify({ label: `${name} inbound ${label}`, pids, startUs, endUs: monotonicUs() }) + '\n');
    }
    return result;
  };
}

/** The counts once two reads 200 ms apart agree (events stored in the last moments of a burst settle), at most 5 s. */
async function settled(counter: Counter): Promise<Counts> {
  let last = await counter.counts();
  for (let i = 0; i < 25; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await counter.counts();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  return last;
}

/** Where every count must reach once `accepted` more events are processed and delivered. */
const target = (base: Counts & EndpointCounts, accepted: number) => ({
  processed: base.processed + accepted, passThrough: base.passThrough + accepted, chakraMessages: base.chakraMessages + accepted,
});

/** Posting beside the bulk job stops by then even if the job still runs. */
const MAX_POSTING_MS = 10 * 60 * 1000;

/**
 * Starts a bulk create and, once it is accepted, posts events at a modest rate for at least
 * `pacedSeconds` and until the job has finished; each event's delivery start is timed from its
 * 200. The target is judged on the events sent while the job ran (by the server's clock).
 */
async function deliveriesUnderBulk(
  api: RunningServer, token: string, endpoint: WebhookEndpoint, receiver: string, next: () => InboundEvent,
  options: InboundOptions, name: string,
): Promise<UnderBulk> {
  const { log } = options;
  const body = JSON.stringify(bulkCreateItems(options.bulkItems));
  log(`${name}: bulk-create ${options.bulkItems} processes, then ${options.pacedPerSecond} events/s beside it (at least ${options.pacedSeconds} s, until the job ends)…`);
  const accepted = await submit(api.url, token, 'POST', `/v1/ext/procedure/${PROCEDURE}/process/bulk-create`, body);
  let jobDone = false;
  const watching = waitForJob(api.url, token, accepted, log).finally(() => (jobDone = true));
  const postingStarted = Date.now();
  const posts = await paced(api.url, receiver, next, options.pacedPerSecond,
    (_sent, elapsedMs) => elapsedMs < options.pacedSeconds * 1000 || (!jobDone && elapsedMs < MAX_POSTING_MS));
  const postingEnded = Date.now();
  const finished = await watching;
  const job: JobWire = finished.job;
  const ok = posts.filter((p) => p.status === 200);
  const deadline = performance.now() + options.drainTimeoutSeconds * 1000;
  while (ok.some((p) => endpoint.passThroughArrival(p.wamid) === undefined) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const startsOf = (chosen: readonly PacedPost[]) => chosen.flatMap((p) => {
    const arrived = endpoint.passThroughArrival(p.wamid);
    return arrived === undefined ? [] : [arrived - p.answeredAt];
  });
  const jobStarted = job.startedAt || job.createdAt;
  const during = ok.filter((p) => p.sentAtEpoch >= jobStarted && p.sentAtEpoch <= job.completedAt);
  const stats = (starts: number[]) => ({ p50: percentile(starts, 50), p99: percentile(starts, 99), max: percentile(starts, 100) });
  const running = Math.max(0, Math.min(job.completedAt, postingEnded) - Math.max(jobStarted, postingStarted)) / 1000;
  const result: UnderBulk = {
    bulkItems: options.bulkItems, posted: posts.length, accepted: ok.length, duringBulk: during.length,
    receiverP50Ms: percentile(ok.map((p) => p.latencyMs), 50), receiverP99Ms: percentile(ok.map((p) => p.latencyMs), 99),
    deliveryStartMs: stats(startsOf(during)), deliveryStartAllMs: stats(startsOf(ok)),
    undelivered: ok.length - startsOf(ok).length,
    bulkRunningSeconds: round2(running), postingSeconds: round2((postingEnded - postingStarted) / 1000),
    bulkJob: { completionStatus: job.completionStatus, finishSeconds: round2((job.completedAt - accepted.atEpoch) / 1000), succeeded: finished.counts.SUCCESS },
  };
  log(`${name}: delivery start while the bulk job ran (${during.length} events) p50 ${result.deliveryStartMs.p50} ms, p99 ${result.deliveryStartMs.p99} ms, max ${result.deliveryStartMs.max} ms` +
    ` (${result.undelivered} of ${ok.length} undelivered; the job ran for ${result.bulkRunningSeconds} of ${result.postingSeconds} s of posting, ${job.completionStatus} after ${result.bulkJob.finishSeconds} s)`);
  return result;
}
