import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * The process logger writes JSON lines to stderr (stdout is kept for output meant for scripts).
 * Anything that could hold a credential is redacted even if someone logs it by mistake.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization', 'headers.authorization', 'authorization', '*.authorization',
          'token', '*.token', 'accessToken', '*.accessToken', 'appSecret', '*.appSecret', 'secret', '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
