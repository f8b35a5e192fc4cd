import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigFile } from '../../../src/platform/team-config/config-file.ts';
import { demoConfigFor } from '../../support/factories.ts';
import { PLUGIN_SECRETS, pluginsSection } from '../../support/plugins.ts';

const parse = (plugins: string, env: Record<string, string | undefined> = PLUGIN_SECRETS) => parseConfigFile(`${demoConfigFor('demo')}\n${plugins}`, env);
const problemsOf = (result: ReturnType<typeof parseConfigFile>): string[] => (result.ok ? [] : result.problems);

describe('config file: plugins (CONFIG.md)', () => {
  it("reads CONFIG.md's plugin with its secrets from the environment, keeping each one's reference", () => {
    const result = parse(pluginsSection([{ wabaId: '102290129340398', phones: ['106540352242922'], name: 'Main number', extra: [
      '    webhooks:',
      '      passThroughWebhookUrl: https://example.com/meta-events',
      '      chakraWebhookUrl: https://example.com/chakra-events',
      '      enableChakraWebhook: true',
      '      whichChakraWebhookEventsToSend: [message, deliveryStatus]',
    ].join('\n') }]));
    assert.ok(result.ok, JSON.stringify(problemsOf(result)));
    assert.deepEqual(result.file.plugins, [{
      type: 'whatsapp',
      name: 'Main number',
      wabaId: '102290129340398',
      phoneNumbers: [{ whatsappPhoneNumberId: '106540352242922', displayPhoneNumber: '15550000000' }],
      secrets: {
        accessToken: { value: PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN, reference: '${WHATSAPP_ACCESS_TOKEN}' },
        appSecret: { value: PLUGIN_SECRETS.WHATSAPP_APP_SECRET, reference: '${WHATSAPP_APP_SECRET}' },
        verifyToken: { value: PLUGIN_SECRETS.WHATSAPP_VERIFY_TOKEN, reference: '${WHATSAPP_VERIFY_TOKEN}' },
        webhookSecret: { value: PLUGIN_SECRETS.CHAKRA_WEBHOOK_SECRET, reference: '${CHAKRA_WEBHOOK_SECRET}' },
      },
      graphApiUrl: 'sandbox:',
      leadProcedure: 'lead',
      webhooks: {
        passThroughWebhookUrl: 'https://example.com/meta-events',
        enableMessageEchoesForPassThroughWebhook: false,
        chakraWebhookUrl: 'https://example.com/chakra-events',
        enableChakraWebhook: true,
        whichChakraWebhookEventsToSend: ['message', 'deliveryStatus'],
      },
    }]);
  });

  it('defaults the Graph API to Meta, the name to the WABA id, and leaves webhooks alone when not given', () => {
    const result = parse('plugins:\n  - { type: whatsapp, wabaId: "7", phoneNumbers: [{ whatsappPhoneNumberId: "8", displayPhoneNumber: "9" }], accessToken: literal-token }\n');
    assert.ok(result.ok, JSON.stringify(problemsOf(result)));
    const [plugin] = result.file.plugins;
    assert.equal(plugin.graphApiUrl, 'https://graph.facebook.com');
    assert.equal(plugin.name, '7');
    assert.equal(plugin.webhooks, null);
    assert.deepEqual(plugin.secrets.accessToken, { value: 'literal-token', reference: null });
    assert.equal(plugin.secrets.appSecret, null);
  });

  it('reports every problem of a plugin with its path', () => {
    const text = [
      'plugins:',
      '  - type: telegram',
      '    wabaId: "12a"',
      '    phoneNumbers: [{ whatsappPhoneNumberId: 5.5, displayPhoneNumber: "+1 555" }]',
      '    graphApiUrl: ftp://graph.example',
      '    leadProcedure: nosuch',
      '    token: x',
      '    webhooks: { chakraWebhookUrl: "mailto:a@b", whichChakraWebhookEventsToSend: ["ok", "not ok"] }',
      '  - type: whatsapp',
      '    wabaId: "1"',
      '    accessToken: ${UNSET_TOKEN}',
    ].join('\n');
    assert.deepEqual(problemsOf(parse(text, {})), [
      'plugins[0].token: unknown field',
      'plugins[0].type: expected one of whatsapp',
      'plugins[0].wabaId: expected a string of digits (quote it in YAML), got "12a"',
      'plugins[0].graphApiUrl: expected "sandbox:" or an http:// or https:// URL, got "ftp://graph.example"',
      'plugins[0].leadProcedure: unknown procedure "nosuch"',
      'plugins[0].phoneNumbers[0].whatsappPhoneNumberId: expected a string of digits (quote it in YAML), got a number',
      'plugins[0].phoneNumbers[0].displayPhoneNumber: expected a string of digits (quote it in YAML), got "+1 555"',
      'plugins[0].accessToken: is required',
      'plugins[0].webhooks.chakraWebhookUrl: expected an http:// or https:// URL, got "mailto:a@b"',
      'plugins[0].webhooks.whichChakraWebhookEventsToSend[1]: expected an event name such as "message" or "deliveryStatus", got "not ok"',
      'plugins[1].phoneNumbers: expected at least one phone number',
      'plugins[1].accessToken: environment variable UNSET_TOKEN is not set',
    ]);
  });

  it('refuses two plugins for one WABA and one phone number in two plugins', () => {
    const problems = problemsOf(parse(pluginsSection([{ wabaId: '1', phones: ['10', '11'] }, { wabaId: '1', phones: ['11'] }])));
    assert.deepEqual(problems, [
      'plugins[1].wabaId: duplicate wabaId "1"',
      'plugins[1].phoneNumbers[0].whatsappPhoneNumberId: duplicate whatsappPhoneNumberId "11"',
    ]);
  });
});
