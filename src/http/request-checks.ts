import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { randomUUID } from 'node:crypto';
import { TOKEN_PREFIX } from '../shared/crypto.ts';
import { badRequest } from '../shared/errors.ts';

/**
 * Limits on what a request may carry, checked before anything reaches a service or the database.
 * Every check here runs on every request, so each is one linear pass without allocation.
 */

/** Longest path parameter the router takes; a longer one is answered 414 URI_TOO_LONG. */
export const MAX_PARAM_LENGTH = 500;

/**
 * Deepest nesting of arrays and objects in a JSON body; deeper is answered 400. It comfortably
 * exceeds what any endpoint needs (a `json` attribute value, MAX_JSON_VALUE_DEPTH levels, inside
 * a bulk body's `{"processes": [{"data": {…}}]}`), and keeps recursive code far from the stack
 * limit (100,000 levels would overflow it).
 */
export const MAX_JSON_BODY_DEPTH = 64;

/**
 * A client's X-Request-Id is used only when it is short and plain, so that it can be logged
 * and echoed safely; otherwise one is made up. Underscores are not accepted, so nothing shaped
 * like an access token (`chk_…`) can become a request id (and so appear in the logs).
 */
const PLAIN_REQUEST_ID = /^[A-Za-z0-9.:-]{1,64}$/;

export function requestIdFor(given: unknown): string {
  // v4, not the v7 of stored ids: request ids need no order, and this is on every request.
  return typeof given === 'string' && PLAIN_REQUEST_ID.test(given) && !given.startsWith(TOKEN_PREFIX) ? given : randomUUID();
}

/**
 * Why a string cannot be stored, or null when it can. PostgreSQL stores neither the NUL
 * character nor an unpaired UTF-16 surrogate (no UTF-8 encodes one), so both are refused on
 * both databases alike.
 */
export function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'may not contain the NUL character (U+0000)';
  if (!text.isWellFormed()) return 'may not contain an unpaired UTF-16 surrogate';
  return null;
}

/** The first unstorable key or string value (also inside arrays) of params or a query string. */
function findUnstorable(values: unknown, part: 'Path parameter' | 'Query parameter'): string | null {
  if (values === null || typeof values !== 'object') return null;
  for (const key in values) {
    const keyProblem = unstorableText(key);
    if (keyProblem) return `A ${part.toLowerCase()} name ${keyProblem}`;
    const value = (values as Record<string, unknown>)[key];
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) return `${part} ${JSON.stringify(key)} ${problem}`;
    } else if (Array.isArray(value)) {
      for (const item of value) {
        const problem = typeof item === 'string' ? unstorableText(item) : null;
        if (problem) return `${part} ${JSON.stringify(key)} ${problem}`;
      }
    }
  }
  return null;
}

/**
 * Refuses path parameters and query-string values holding text no database can store (a
 * percent-encoded NUL, `%00`). Bodies are checked by the JSON parser. Callback style: this runs
 * on every request, and an async hook would cost a promise and a microtask each time.
 */
export function refuseUnstorableParams(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  // An unknown route stays a 404 whatever its path holds (nothing will read it).
  if (request.is404) return done();
  const problem = findUnstorable(request.params, 'Path parameter') ?? findUnstorable(request.query, 'Query parameter');
  if (problem) return done(badRequest(problem));
  done();
}

const QUOTE = 0x22;
const LETTER_U = 0x75;
const NUL_MESSAGE = 'Strings in the body may not contain the NUL character (\\u0000)';
const SURROGATE_MESSAGE = 'Strings in the body may not contain an unpaired UTF-16 surrogate (such as \\ud800 without a low surrogate after it)';

/** The UTF-16 unit of the four hex digits at `at`, or -1 when they are not four hex digits. */
function hexUnit(text: string, at: number): number {
  let unit = 0;
  for (let i = at; i < at + 4; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Checks the escape starting with the backslash at `at`: returns where the text after it
 * starts, or a message when it spells the NUL character or an unpaired surrogate, or -1 when it
 * is malformed (JSON.parse refuses it, so the scan can stop).
 */
function checkEscape(text: string, at: number): number | string {
  if (text.charCodeAt(at + 1) !== LETTER_U) return at + 2;
  const unit = hexUnit(text, at + 2);
  if (unit < 0) return -1;
  if (unit === 0) return NUL_MESSAGE;
  if (isHighSurrogate(unit)) {
    const pairs = text.charCodeAt(at + 6) === 0x5c && text.charCodeAt(at + 7) === LETTER_U && isLowSurrogate(hexUnit(text, at + 8));
    return pairs ? at + 12 : SURROGATE_MESSAGE;
  }
  return isLowSurrogate(unit) ? SURROGATE_MESSAGE : at + 6;
}

/** Where `search` next occurs from `from`, or the text's length (never -1: see checkJsonText). */
function indexFrom(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at === -1 ? text.length : at;
}

/**
 * One linear, non-recursive pass over a JSON text before it is parsed: refuses nesting deeper
 * than `maxDepth`, and strings whose escapes spell the NUL character or an unpaired surrogate
 * (`"\ud800"`, which JSON.parse would turn into a lone surrogate). Returns why the text is
 * refused, or null. Malformed text is left to JSON.parse, which refuses it.
 *
 * Strings (most of a body) are skipped with indexOf, several times faster than looking at each
 * character; the next backslash is remembered, so a text without escapes is searched for one
 * only once. Positions are never -1 ("not found" is the text's length): with a -1 there, V8's
 * optimized code for this loop turned quadratic.
 */
export function checkJsonText(text: string, maxDepth = MAX_JSON_BODY_DEPTH): string | null {
  // Raw (unescaped) surrogates can only be unpaired if the text itself is not well formed.
  if (!text.isWellFormed()) return SURROGATE_MESSAGE;
  let depth = 0;
  let nextEscape = indexFrom(text, '\\', 0);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = indexFrom(text, '"', i + 1);
      if (nextEscape < i) nextEscape = indexFrom(text, '\\', i);
      while (nextEscape < end) {
        const after = checkEscape(text, nextEscape);
        if (typeof after === 'string') return after;
        if (after < 0) return null;
        nextEscape = indexFrom(text, '\\', after);
        // The quote found was part of the escape (`\"`): the string ends further on.
        if (end < after) end = indexFrom(text, '"', after);
      }
      if (end === text.length) return null;
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return `The JSON body is nested deeper than ${maxDepth} levels`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}
