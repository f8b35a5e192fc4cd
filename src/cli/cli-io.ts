/** Where a command writes: stdout for what scripts consume, stderr for everything else. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** A wrong invocation: the message and the command's usage go to stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly usage: string;
  constructor(message: string, usage: string) {
    super(message);
    this.usage = usage;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;
