import { startSandbox, type RunningSandbox } from '../../src/whatsapp/sandbox/index.ts';
import { PLUGIN_SECRETS } from './plugins.ts';

export const WABA_ID = '102290129340398';
export const PHONE_NUMBER_ID = '106540352242922';

/** The sandbox on port 0 with one account whose token and app secret are the plugin fixtures'. */
export function startTestSandbox(): Promise<RunningSandbox> {
  return startSandbox({
    host: '127.0.0.1',
    port: 0,
    accounts: [{
      wabaId: WABA_ID,
      accessToken: PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN,
      appSecret: PLUGIN_SECRETS.WHATSAPP_APP_SECRET,
      phoneNumbers: [{ id: PHONE_NUMBER_ID, displayPhoneNumber: '15550000000' }],
    }],
  });
}

/** Creates a template through the sandbox's Graph API, as a business would at Meta. */
export async function createTemplate(sandbox: RunningSandbox, template: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${sandbox.url}/v21.0/${WABA_ID}/message_templates`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(template),
  });
  const body = (await response.json()) as { id?: string };
  if (!response.ok || !body.id) throw new Error(`template not created: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}
