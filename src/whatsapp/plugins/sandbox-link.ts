import type { RunningSandbox, SandboxAccount } from '../sandbox/index.ts';

/**
 * The in-process sandbox behind plugins whose Graph API URL is `sandbox:` (the demo team's, and
 * anyone's who wants to try things offline). It starts on 127.0.0.1 at the first call that needs
 * it, and each such plugin's account (WABA, token, app secret, numbers) is registered with it
 * before its calls, so the sandbox checks tokens as Meta would.
 */
export interface SandboxLink {
  /** The running sandbox's base URL, with this account registered. */
  urlFor(account: SandboxAccount): Promise<string>;
  /** The base URL if it runs, else null. */
  url(): string | null;
  close(): Promise<void>;
}

export function createSandboxLink(start: () => Promise<RunningSandbox>): SandboxLink {
  let starting: Promise<RunningSandbox> | null = null;
  let running: RunningSandbox | null = null;
  const registered = new Map<string, string>();
  return {
    async urlFor(account) {
      starting ??= start().then((sandbox) => (running = sandbox));
      const sandbox = await starting;
      const fingerprint = JSON.stringify(account);
      if (registered.get(account.wabaId) !== fingerprint) {
        sandbox.registerAccount(account);
        registered.set(account.wabaId, fingerprint);
      }
      return sandbox.url;
    },
    url: () => running?.url ?? null,
    async close() {
      const sandbox = await starting?.catch(() => null);
      starting = null;
      running = null;
      await sandbox?.close();
    },
  };
}
