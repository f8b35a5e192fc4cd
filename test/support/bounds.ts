import type { ApiResponse } from './http.ts';
import { assertError, assertMessage } from './processes.ts';

/**
 * Numbers a client may send that no 64-bit column or JavaScript number holds exactly: JSON
 * Schema's `integer` accepts them all, since they are integral.
 */
export const UNSAFE_INTEGERS: readonly number[] = [Number.MAX_SAFE_INTEGER + 1, 2 ** 63, 1e300];

/** The same written in a query string, where they arrive as text. */
export const UNSAFE_INTEGER_TEXTS: readonly string[] = ['9007199254740992', '9223372036854775808', '99999999999999999999', '1e300'];

/** A JSON body whose number parses to Infinity, which JSON.stringify cannot write. */
export const infinityBody = (field: string): string => `{"${field}": 1e400}`;

/** The answer to an integer beyond the safe range: 400 VALIDATION_FAILED naming the field and the bound. */
export function assertUnsafeIntegerRefused(res: ApiResponse, field: string): void {
  const messages = assertError(res, 400, 'VALIDATION_FAILED');
  assertMessage(messages, new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: must be <= 9007199254740991`));
}

/** Epoch ms far beyond year 9999, as a number and as the digits a client may send instead. */
export const HUGE_EPOCH_MS = 1e29;
export const HUGE_EPOCH_MS_TEXT = '100000000000000000000000000000';

/** The first instant after the accepted years 1000 to 9999, and the last before them. */
export const AFTER_YEAR_9999 = Date.UTC(10000, 0, 1);
export const BEFORE_YEAR_1000 = Date.UTC(1000, 0, 1) - 1;

/** The message an epoch-ms field answers for a time outside the accepted years, number or string alike. */
export const OUT_OF_RANGE_INSTANT = /expected epoch milliseconds from -30610224000000 to 253402300799999 \(years 1000 to 9999\), got /;

/** A message without its trailing "got …", to compare the answers to a number and to a string. */
export const withoutGot = (message: string): string => message.replace(/, got .*$/, '');
