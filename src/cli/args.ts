import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/** Strict parsing: unknown options and missing values are usage errors (exit 2). */
export function parseCommandArgs(argv: readonly string[], options: Options, usage: string): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    const { help, ...rest } = values as Record<string, string | boolean | undefined>;
    return { values: rest, positionals, help: help === true };
  } catch (error: unknown) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}

export function requireString(parsed: Parsed, name: string, usage: string): string {
  const value = parsed.values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`, usage);
  return value;
}

export function expectPositionals(parsed: Parsed, count: number, names: string, usage: string): void {
  if (parsed.positionals.length !== count) {
    throw new UsageError(count === 0 ? `unexpected argument "${parsed.positionals[0]}"` : `expected ${names}`, usage);
  }
}
