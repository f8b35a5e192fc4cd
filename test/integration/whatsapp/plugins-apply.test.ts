import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { createSecretBox } from '../../../src/shared/secret-box.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { demoConfigFor, seedTeam } from '../../support/factories.ts';
import { applyPlugins, PLUGIN_SECRETS, pluginsSection } from '../../support/plugins.ts';

const WABA = '102290129340398';

describe('config apply: WhatsApp plugins (CONFIG.md plugins:)', () => {
  let server: TestServer;
  let q: Kysely<any>;
  const apply = (slug: string, plugins: string, env: Record<string, string> = PLUGIN_SECRETS, options: { prune?: boolean; dryRun?: boolean } = {}) =>
    server.runtime.services.teamConfig.apply({ teamSlug: slug, text: `${demoConfigFor(slug)}\n${plugins}`, env, ...options });
  const rowOf = (id: string) => q.selectFrom('whatsapp_plugins').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  before(async () => {
    server = await startTestServer();
    q = server.runtime.db.kysely as unknown as Kysely<any>;
    await seedTeam(server.runtime, 'alpha');
    await seedTeam(server.runtime, 'beta');
  });
  after(() => server.close());

  it('stores every secret sealed, never as written, and opens back to the value', async () => {
    const id = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA, phones: ['1001'] }])).get(WABA)!;
    const row = await rowOf(id);
    const box = createSecretBox(server.runtime.secretKey);
    const stored = JSON.stringify(row);
    for (const secret of Object.values(PLUGIN_SECRETS)) assert.ok(!stored.includes(secret), `stored in plain text: ${secret}`);
    assert.equal(box.open('whatsapp-access-token', row.access_token), PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN);
    assert.equal(box.open('whatsapp-app-secret', row.app_secret), PLUGIN_SECRETS.WHATSAPP_APP_SECRET);
    assert.equal(box.open('whatsapp-verify-token', row.verify_token), PLUGIN_SECRETS.WHATSAPP_VERIFY_TOKEN);
    assert.equal(box.open('webhook-secret', row.webhook_secret), PLUGIN_SECRETS.CHAKRA_WEBHOOK_SECRET);
  });

  it('changes nothing when the same file is applied again, and names a changed secret without its value', async () => {
    const section = pluginsSection([{ wabaId: WABA, phones: ['1001'] }]);
    const id = (await server.runtime.services.plugins.list('alpha'))[0].id;
    const before = await rowOf(id);
    const again = await apply('alpha', section);
    assert.deepEqual([again.created, again.updated, again.deleted], [[], [], []]);
    assert.deepEqual(await rowOf(id), before);

    const rotated = await apply('alpha', section, { ...PLUGIN_SECRETS, WHATSAPP_ACCESS_TOKEN: 'EAAG-new-token' });
    assert.deepEqual(rotated.updated, [`plugin ${WABA} (accessToken)`]);
    assert.equal(createSecretBox(server.runtime.secretKey).open('whatsapp-access-token', (await rowOf(id)).access_token), 'EAAG-new-token');
    await apply('alpha', section);
  });

  it('exports secrets as their ${VAR} references, and the export applies to an empty team', async () => {
    const text = await server.runtime.services.teamConfig.export('alpha');
    for (const secret of Object.values(PLUGIN_SECRETS)) assert.ok(!text.includes(secret));
    assert.match(text, /accessToken: \$\{WHATSAPP_ACCESS_TOKEN\}/);
    assert.match(text, /webhookSecret: \$\{CHAKRA_WEBHOOK_SECRET\}/);
    assert.match(text, /graphApiUrl: "?sandbox:"?/);
    assert.match(text, /leadProcedure: lead/);
    const copy = text.replace(/slug: alpha/, 'slug: gamma');
    await server.runtime.services.teamConfig.apply({ teamSlug: 'gamma', text: copy, env: PLUGIN_SECRETS });
    const [plugin] = await server.runtime.services.plugins.list('gamma');
    assert.equal(plugin.wabaId, WABA);
    assert.deepEqual(plugin.phoneNumbers, [{ whatsappPhoneNumberId: '1001', displayPhoneNumber: '15550000000' }]);
    assert.deepEqual(plugin.secretsSet, { accessToken: true, appSecret: true, verifyToken: true, webhookSecret: true });
    const again = await server.runtime.services.teamConfig.apply({ teamSlug: 'gamma', text: copy, env: PLUGIN_SECRETS });
    assert.deepEqual([again.created, again.updated, again.deleted], [[], [], []]);
  });

  it('keeps settings made through update-config when the file says nothing of webhooks; a file that does sets them', async () => {
    const id = (await server.runtime.services.plugins.list('alpha'))[0].id;
    const admin = { teamId: (await q.selectFrom('teams').select('id').where('slug', '=', 'alpha').executeTakeFirstOrThrow()).id, keyId: '', userId: '', roleId: '', roleType: 'ADMIN' as const };
    await server.runtime.services.plugins.updateConfig(admin, id, { chakraWebhookUrl: 'https://example.com/hook', enableChakraWebhook: true });
    await apply('alpha', pluginsSection([{ wabaId: WABA, phones: ['1001'] }]));
    assert.equal((await server.runtime.services.plugins.getConfig(admin, id)).chakraWebhookUrl, 'https://example.com/hook');
    const withWebhooks = pluginsSection([{ wabaId: WABA, phones: ['1001'], extra: '    webhooks: { passThroughWebhookUrl: "https://example.com/raw" }' }]);
    const summary = await apply('alpha', withWebhooks);
    assert.equal(summary.updated.length, 1);
    const config = await server.runtime.services.plugins.getConfig(admin, id);
    assert.equal(config.passThroughWebhookUrl, 'https://example.com/raw');
    assert.equal(config.chakraWebhookUrl, null);
    assert.equal(config.enableChakraWebhook, false);
  });

  it('moves, adds and removes phone numbers as the file says, within one team only', async () => {
    const ids = await applyPlugins(server.runtime, 'beta', [{ wabaId: '1', phones: ['1001', '2001'] }, { wabaId: '2', phones: ['3001'] }]);
    const summary = await apply('beta', pluginsSection([{ wabaId: '1', phones: ['1001'] }, { wabaId: '2', phones: ['3001', '2001'] }]));
    assert.deepEqual(summary.updated.sort(), ['plugin 1 (phoneNumbers)', 'plugin 2 (phoneNumbers)']);
    const phones = await q.selectFrom('whatsapp_phone_numbers').innerJoin('teams', 'teams.id', 'whatsapp_phone_numbers.team_id')
      .select(['phone_number_id', 'plugin_id']).where('teams.slug', '=', 'beta').orderBy('phone_number_id').execute();
    assert.deepEqual(phones.map((row) => ({ ...row })), [
      { phone_number_id: '1001', plugin_id: ids.get('1') },
      { phone_number_id: '2001', plugin_id: ids.get('2') },
      { phone_number_id: '3001', plugin_id: ids.get('2') },
    ]);
    // alpha's plugin keeps its own number 1001.
    const [alphaPlugin] = await server.runtime.services.plugins.list('alpha');
    assert.deepEqual(alphaPlugin.phoneNumbers.map((p) => p.whatsappPhoneNumberId), ['1001']);
  });

  it('removes plugins the file no longer has only with --prune; a dry run stores nothing', async () => {
    const kept = await apply('beta', pluginsSection([{ wabaId: '1', phones: ['1001'] }]));
    assert.deepEqual(kept.deleted, []);
    assert.equal((await server.runtime.services.plugins.list('beta')).length, 2);
    const dry = await apply('beta', pluginsSection([{ wabaId: '1', phones: ['1001'] }]), PLUGIN_SECRETS, { prune: true, dryRun: true });
    assert.deepEqual(dry.deleted, ['plugin 2']);
    assert.equal((await server.runtime.services.plugins.list('beta')).length, 2);
    const pruned = await apply('beta', pluginsSection([{ wabaId: '1', phones: ['1001'] }]), PLUGIN_SECRETS, { prune: true });
    assert.deepEqual(pruned.deleted, ['plugin 2']);
    assert.deepEqual((await server.runtime.services.plugins.list('beta')).map((p) => p.wabaId), ['1']);
    assert.equal((await q.selectFrom('whatsapp_phone_numbers').select('phone_number_id').where('phone_number_id', 'in', ['2001', '3001']).execute()).length, 0);
  });

  it("frees a lead procedure the same file stops naming, so --prune can remove both at once", async () => {
    const withoutLead = demoConfigFor('beta').replace(/\n  - shortId: lead\n[\s\S]*?(?=\n  - shortId: |\n[a-zA-Z]|$)/, '\n');
    assert.ok(!/shortId: lead\b/.test(withoutLead), 'the lead procedure was cut from the file');
    const plugins = pluginsSection([{ wabaId: '1', phones: ['1001'] }]);
    await assert.rejects(
      server.runtime.services.teamConfig.apply({ teamSlug: 'beta', text: `${withoutLead}\n${plugins}`, env: PLUGIN_SECRETS, prune: true }),
      /plugins\[0\]\.leadProcedure: unknown procedure "lead"/,
    );
    const summary = await server.runtime.services.teamConfig.apply({
      teamSlug: 'beta', text: `${withoutLead}\n${plugins.replace('    leadProcedure: lead\n', '')}`, env: PLUGIN_SECRETS, prune: true,
    });
    assert.ok(summary.deleted.includes('procedure lead'), summary.deleted.join(', '));
    const [plugin] = await server.runtime.services.plugins.list('beta');
    assert.equal(plugin.leadProcedure, null);
  });
});
