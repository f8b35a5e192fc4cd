import { measure, type Measurement, type RunSettings, type Workload } from './measure.ts';
import { prepareTeam, TEAM_SLUG, withRuntime } from './seed.ts';
import { startApiServer, startLeanServer, startSandboxServer, type RunningServer } from './servers.ts';
import { prepareStorage, type DialectName } from './suite.ts';
import fs from 'node:fs';

/**
 * WhatsApp sends against the sandbox (run as its own process, as Meta is): the messages
 * pass-through and a template send for a phone number, each beside the proxy floor — a lean
 * Fastify route that sends the same body to the sandbox with the same HTTP client and answers.
 * The sandbox's throughput and pair-rate limits are off: they would measure the sandbox.
 */
export interface WhatsappOptions {
  readonly settings: RunSettings;
  readonly postgresUrl: string;
  readonly log: (line: string) => void;
}

export interface WhatsappRun {
  readonly dialect: DialectName;
  readonly measurements: Measurement[];
  /** pass-through ÷ proxy floor and template send ÷ proxy floor (req/s). */
  readonly ratios: { readonly passThrough: number; readonly templateSend: number };
}

const WABA = '102290129340398';
const PHONE = '106540352242922';
const TOKEN = 'bench-access-token';
const CONFIG_FILE = new URL('./config.yaml', import.meta.url);

const plugins = (sandboxUrl: string) => `
plugins:
  - type: whatsapp
    name: Bench number
    wabaId: "${WABA}"
    phoneNumbers: [{ whatsappPhoneNumberId: "${PHONE}", displayPhoneNumber: "15550000000" }]
    accessToken: ${TOKEN}
    appSecret: bench-app-secret
    graphApiUrl: "${sandboxUrl}"
`;

async function sandboxCall(sandbox: RunningServer, method: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(sandbox.url + path, {
    method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Recipients vary (a pair rate limit would otherwise apply at Meta); all are inside their window. */
const recipient = (i: number) => `9199${String(10_000_000 + (i % 5000)).slice(-8)}`;

function workloads(token: string, pluginId: string): Workload[] {
  let n = 0;
  const text = () => JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: recipient(n++), type: 'text', text: { body: 'Your order ships today' } });
  const template = () => JSON.stringify({
    whatsappPhoneNumberId: PHONE, templateName: 'order_update', mapping: [{ schemaPropertyName: '1', schemaPropertyValue: 'Asha' }, { schemaPropertyName: '2', schemaPropertyValue: String(n) }],
  });
  return [
    { name: 'proxy floor', method: 'POST', next: () => ({ path: '/lean-proxy', body: text() }) },
    { name: 'pass-through', method: 'POST', token, next: () => ({ path: `/v1/ext/plugin/whatsapp/${pluginId}/api/v21.0/${PHONE}/messages`, body: text() }) },
    { name: 'template send', method: 'POST', token, next: () => ({ path: `/v1/ext/plugin/whatsapp/${pluginId}/phoneNumber/${recipient(n++)}/send-template-message`, body: template() }) },
  ];
}

export async function runWhatsapp(dialect: DialectName, options: WhatsappOptions): Promise<WhatsappRun> {
  const { log } = options;
  const storage = await prepareStorage(dialect, options.postgresUrl);
  const servers: RunningServer[] = [];
  try {
    const sandbox = await startSandboxServer();
    servers.push(sandbox);
    await sandboxCall(sandbox, 'POST', '/_sandbox/accounts', { wabaId: WABA, accessToken: TOKEN, appSecret: 'bench-app-secret', phoneNumbers: [{ id: PHONE, displayPhoneNumber: '15550000000' }] });
    await sandboxCall(sandbox, 'PATCH', '/_sandbox/settings', { throughput: { enabled: false }, pairRate: { enabled: false } });
    await sandboxCall(sandbox, 'POST', `/v21.0/${WABA}/message_templates`, {
      name: 'order_update', language: 'en_US', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships today.', example: { body_text: [['John', '42']] } }],
    });
    const token = await prepareTeam(storage.apiEnv);
    const pluginId = await withRuntime(storage.apiEnv, async (runtime) => {
      await runtime.services.teamConfig.apply({ teamSlug: TEAM_SLUG, text: fs.readFileSync(CONFIG_FILE, 'utf8') + plugins(sandbox.url), env: {} });
      return (await runtime.services.plugins.list(TEAM_SLUG))[0].id;
    });
    const api = await startApiServer(storage.apiEnv);
    servers.push(api);
    const lean = await startLeanServer({ ...storage.leanEnv, SANDBOX_URL: sandbox.url, SANDBOX_TOKEN: TOKEN, PHONE_NUMBER_ID: PHONE });
    servers.push(lean);
    const measurements: Measurement[] = [];
    for (const workload of workloads(token, pluginId)) {
      const server = workload.name === 'proxy floor' ? lean : api;
      const result = await measure(server.url, workload, options.settings, server.pid);
      log(`${dialect}: whatsapp ${result.name.padEnd(14)} ${String(result.reqPerSec).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms` +
        `${result.non2xx + result.errors > 0 ? `  FAILURES ${result.non2xx + result.errors}: ${result.firstFailure ?? ''}` : ''}`);
      measurements.push(result);
    }
    const rate = (name: string) => measurements.find((m) => m.name === name)?.reqPerSec ?? 0;
    const ratio = (name: string) => Math.round((rate(name) / Math.max(1, rate('proxy floor'))) * 100) / 100;
    return { dialect, measurements, ratios: { passThrough: ratio('pass-through'), templateSend: ratio('template send') } };
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => {});
    await storage.cleanup();
  }
}

/** The WhatsApp part as a table: each send beside the proxy floor, with the targets on SQLite. */
export function formatWhatsappTable(runs: readonly WhatsappRun[]): string {
  const lines = ['| database | workload | req/s | p50 ms | p99 ms | ÷ proxy floor | target (SQLite) |', '| --- | --- | ---: | ---: | ---: | ---: | --- |'];
  for (const run of runs) {
    for (const m of run.measurements) {
      const ratio = m.name === 'pass-through' ? run.ratios.passThrough : m.name === 'template send' ? run.ratios.templateSend : null;
      const target = m.name === 'pass-through' ? '≥ 0.6' : m.name === 'template send' ? '≥ 0.4' : '';
      lines.push(`| ${run.dialect} | ${m.name} | ${m.reqPerSec} | ${m.p50Ms} | ${m.p99Ms} | ${ratio ?? ''} | ${target} |`);
    }
  }
  return lines.join('\n');
}
