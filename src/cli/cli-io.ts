/** Where a command writes: stdout for what scripts consume, stderr for everything else. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

let stdoutGuarded = false;

/**
 * A reader that goes away early (`chakra key list | head -1`) ends the command quietly, as
 * other command-line tools do, instead of with an unhandled EPIPE and its stack trace.
 */
function guardStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

export const processIo: CliIo = {
  out: (text) => {
    guardStdout();
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
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
