import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigFile } from '../../../src/platform/team-config/config-file.ts';
import { demoConfigFor } from '../../support/factories.ts';
import { PLUGIN_SECRETS, pluginsSection } from '../../support/plugins.ts';

const withWebhooks = (passThrough: string, chakra: string) => `${demoConfigFor('demo')}\n${pluginsSection([{
  wabaId: '1', phones: ['2'], graphApiUrl: 'http://127.0.0.1:9000', extra: `    webhooks: { passThroughWebhookUrl: "${passThrough}", chakraWebhookUrl: "${chakra}" }`,
}])}`;
const problemsOf = (result: ReturnType<typeof parseConfigFile>): string[] => (result.ok ? [] : result.problems);

describe('config file: webhook URLs may not name this machine or its network', () => {
  it('refuses a literal private address or localhost by default, naming the field', () => {
    assert.deepEqual(problemsOf(parseConfigFile(withWebhooks('http://10.0.0.7/meta', 'http://localhost:3000/in'), PLUGIN_SECRETS)), [
      'plugins[0].webhooks.passThroughWebhookUrl: must not point to a loopback or private address (10.0.0.7 is a loopback, private, link-local or otherwise non-public address); WEBHOOK_ALLOW_PRIVATE_URLS=true allows it',
      'plugins[0].webhooks.chakraWebhookUrl: must not point to a loopback or private address ("localhost" is this server\'s own machine); WEBHOOK_ALLOW_PRIVATE_URLS=true allows it',
    ]);
  });

  it('accepts them when private URLs are allowed, and public URLs always; the Graph API URL is not a webhook', () => {
    assert.equal(parseConfigFile(withWebhooks('http://10.0.0.7/meta', 'http://localhost:3000/in'), PLUGIN_SECRETS, { allowPrivateUrls: true }).ok, true);
    assert.equal(parseConfigFile(withWebhooks('https://example.com/meta', 'https://hooks.example.org/in'), PLUGIN_SECRETS).ok, true);
  });
});
