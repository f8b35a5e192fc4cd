/**
 * Where a bulk job's time goes: reads the V8 CPU profiles that `npm run bench -- --bulk-cpu-prof DIR`
 * wrote (one per server or worker process) and the phase windows bench/bulk.ts recorded beside
 * them, and prints per phase and process the sampled milliseconds by function (self time), by
 * source file or package, and by the nearest frame of the server's own code (src/) on the stack
 * (so time inside Kysely, node:sqlite or jsonata is charged to the src/ function that called it).
 *
 *   node bench/profile.ts DIR [--top 25]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] }
interface Window { label: string; pids: number[]; startUs: number; endUs: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const dir = positionals[0];
if (!dir) {
  console.error('Usage: node bench/profile.ts DIR [--top N]');
  process.exit(2);
}
const top = Number(values.top);
const ROOT = path.resolve(import.meta.dirname, '..') + '/';

const relative = (url: string): string => url.replace(/^file:\/\//, '').replace(ROOT, '');
const where = (frame: CallFrame): string => {
  const file = relative(frame.url);
  if (file === '') return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1];
  if (file.startsWith('node:')) return 'node internals';
  return file;
};
const describe = (frame: CallFrame): string => `${frame.functionName || '(anonymous)'} ${relative(frame.url) ? `${relative(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();

function addTo(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function printTop(title: string, map: Map<string, number>, total: number): void {
  console.log(`  ${title}`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`    ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
}

/** Samples of `profile` inside the window, summarised three ways. */
function summarise(profile: CpuProfile, window: Window): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const byFile = new Map<string, number>();
  const bySrc = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    // A sample stands for the interval up to the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (t < window.startUs || t > window.endUs) continue;
    const leaf = byId.get(profile.samples[i])!;
    if (leaf.callFrame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    total += ms;
    addTo(self, describe(leaf.callFrame), ms);
    addTo(byFile, where(leaf.callFrame), ms);
    let nearest: ProfileNode | undefined = leaf;
    while (nearest && !relative(nearest.callFrame.url).startsWith('src/')) nearest = byId.get(parent.get(nearest.id) ?? -1);
    addTo(bySrc, nearest ? describe(nearest.callFrame) : `(no src/ frame) ${where(leaf.callFrame)}`, ms);
  }
  console.log(`  busy ${total.toFixed(0)} ms, idle ${idle.toFixed(0)} ms of ${((window.endUs - window.startUs) / 1000).toFixed(0)} ms`);
  if (total === 0) return;
  printTop('self time by function', self, total);
  printTop('self time by file or package', byFile, total);
  printTop('by nearest src/ frame on the stack', bySrc, total);
}

const windows: Window[] = fs.readFileSync(path.join(dir, 'windows.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Window);
const profiles = new Map<number, string>();
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  // Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile.
  profiles.set(Number(file.split('.')[3]), path.join(dir, file));
}
const parsed = new Map<number, CpuProfile>();
for (const window of windows) {
  for (const pid of window.pids) {
    const file = profiles.get(pid);
    console.log(`\n== ${window.label} — pid ${pid}${file ? '' : ': no profile'}`);
    if (!file) continue;
    if (!parsed.has(pid)) parsed.set(pid, JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
    summarise(parsed.get(pid)!, window);
  }
}
