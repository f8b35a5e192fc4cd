import { Type, type TNumberOptions } from 'typebox';

/**
 * Schema building blocks every request and response shape shares, so each rule is written once.
 */

type SafeIntegerOptions = Omit<TNumberOptions, 'minimum' | 'maximum'> & { minimum?: number; maximum?: number };

/**
 * An integer a client sends. JSON Schema's `integer` accepts 1e300 (it is integral), and such a
 * number reaches SQL as a float or as a value no 64-bit column holds: the bounds are what refuse
 * it. Given bounds are kept where they are tighter than ±Number.MAX_SAFE_INTEGER.
 */
export function SafeInteger(options: SafeIntegerOptions = {}) {
  const minimum = Math.max(options.minimum ?? -Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER);
  const maximum = Math.min(options.maximum ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  return Type.Integer({ ...options, minimum, maximum });
}

/** The schema, or null. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * An instant a client writes: epoch ms, a numeric string or ISO-8601. Deliberately loose: the
 * one instant parser (readInstant, src/shared/time.ts) judges a number and the same number
 * written as a string alike, range included. An integer branch here would answer 1e29 with a
 * schema error and "1e29" with the parser's, for the same mistake.
 */
export const InstantInput = (description: string) => Type.Union([Type.Number(), Type.String()], { description });
