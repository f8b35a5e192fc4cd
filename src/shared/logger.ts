import { pino, type Logger, type DestinationStream } from 'pino';
import { TOKEN_PREFIX } from './crypto.ts';

export type { Logger };

/**
 * Anything shaped like an access token: the prefix (an underscore in it possibly percent-encoded,
 * as in a URL) and the base64url characters after it, in any letter case.
 */
const TOKEN_SHAPE = new RegExp(`${TOKEN_PREFIX.replace('_', '(?:_|%5f)')}(?:[A-Za-z0-9_-]|%[0-9a-f]{2})*`, 'gi');
const REDACTED_TOKEN = `${TOKEN_PREFIX}[redacted]`;

/** Replaces every token-shaped run in `text` (a path, an error message) with `chk_[redacted]`. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_SHAPE, REDACTED_TOKEN);
}

/** The standard error serializer, with token-shaped text removed from every string it produced. */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error);
  try {
    const text = JSON.stringify(serialized);
    const redacted = redactTokens(text);
    // Tokens hold no character JSON escapes, so the redacted text is still valid JSON.
    return redacted === text ? serialized : JSON.parse(redacted);
  } catch {
    return { type: 'Error', message: '(error not serializable)' };
  }
}

/** A request, should anything log one: method and path only (no headers, no query string). */
function serializeRequest(request: { method?: string; url?: string }): unknown {
  return { method: request.method, path: redactTokens(String(request.url ?? '').split('?')[0]) };
}

/**
 * The process logger writes JSON lines to stderr (stdout is kept for output meant for scripts).
 * Anything that could hold a credential is redacted even if someone logs it by mistake: named
 * fields are censored, and token-shaped text is removed from errors and logged requests.
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
      serializers: {
        err: serializeError,
        req: serializeRequest,
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      },
    },
    destination,
  );
}
