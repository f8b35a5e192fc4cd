import { fieldPath, isMapping, itemPath, type Problems } from './config-file.read.ts';

type Env = Readonly<Record<string, string | undefined>>;

const VARIABLE_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${VAR}` inside every string value (never keys) so secrets stay out of the file.
 * An unset variable is a problem and its reference is left as written.
 */
export function substituteVariables(value: unknown, path: string, env: Env, p: Problems): unknown {
  if (typeof value === 'string') return substituteInString(value, path, env, p);
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => substituteVariables(item, itemPath(path, index), env, p));
  }
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteVariables(item, fieldPath(path, key), env, p)]),
    );
  }
  return value;
}

function substituteInString(text: string, path: string, env: Env, p: Problems): string {
  return text.replace(VARIABLE_REFERENCE, (reference, name: string) => {
    const value = env[name];
    if (value === undefined) {
      p.push(`${path}: environment variable ${name} is not set`);
      return reference;
    }
    return value;
  });
}
