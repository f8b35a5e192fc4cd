import {
  checkReference,
  describeKind,
  fieldPath,
  readBoolean,
  readMapping,
  readString,
  readStringList,
  reportDuplicates,
  type Located,
  type Mapping,
  type Problems,
} from './config-file.read.ts';
import { readTimezone } from './config-file.team.ts';
import type { UserSpec } from './config-file.types.ts';

const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE_DECORATION = /[+\s\-()]/g;
const PHONE_PATTERN = /^\d{6,15}$/;

const USER_FIELDS = [
  'username',
  'firstName',
  'lastName',
  'middleName',
  'displayName',
  'email',
  'phone',
  'role',
  'pods',
  'manager',
  'timezone',
  'isActive',
] as const;

export interface UserReferences {
  roles: ReadonlySet<string>;
  pods: ReadonlySet<string>;
}

export function readUser(raw: unknown, path: string, p: Problems): UserSpec | null {
  const m = readMapping(raw, path, p, USER_FIELDS);
  if (m === null) return null;
  const username = readString(m, 'username', path, p, true) ?? '';
  if (username !== '' && !USERNAME_PATTERN.test(username)) {
    p.push(
      `${fieldPath(path, 'username')}: expected a letter or digit, then up to 63 letters, digits, "_", ".", "@" or "-", got "${username}"`,
    );
  }
  return {
    username,
    firstName: readString(m, 'firstName', path, p, true) ?? '',
    lastName: readString(m, 'lastName', path, p) ?? '',
    middleName: readString(m, 'middleName', path, p) ?? '',
    displayName: readString(m, 'displayName', path, p) ?? '',
    email: readEmail(m, path, p),
    phone: readPhone(m, path, p),
    role: readString(m, 'role', path, p),
    pods: readStringList(m, 'pods', path, p).map((pod) => pod.value),
    manager: readString(m, 'manager', path, p),
    timezone: readTimezone(m, path, p, ''),
    isActive: readBoolean(m, 'isActive', path, p, true),
  };
}

function readEmail(m: Mapping, path: string, p: Problems): string | null {
  const email = readString(m, 'email', path, p);
  if (email === null) return null;
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
    p.push(`${fieldPath(path, 'email')}: expected an email address, got "${email}"`);
    return null;
  }
  return email;
}

// YAML reads an unquoted 919900112233 as a number; the digits are the same.
function readPhone(m: Mapping, path: string, p: Problems): string | null {
  const raw = m.phone;
  const at = fieldPath(path, 'phone');
  if (raw === undefined || raw === null) return null;
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
  if (typeof text !== 'string') {
    p.push(`${at}: expected a phone number, got ${describeKind(raw)}`);
    return null;
  }
  const digits = text.replace(PHONE_DECORATION, '');
  if (!PHONE_PATTERN.test(digits)) {
    p.push(`${at}: expected 6 to 15 digits (with optional "+", spaces, dashes, brackets), got "${text}"`);
    return null;
  }
  return digits;
}

/**
 * Checks what users refer to and what must be unique among them. Usernames compare without
 * case, so `manager` is matched the same way and rewritten to the spelling of that user's entry.
 */
export function checkUsers(users: readonly Located<UserSpec>[], refs: UserReferences, p: Problems): void {
  reportDuplicates(users, 'username', (user) => user.username, p, true);
  reportDuplicates(users, 'email', (user) => user.email, p, true);
  const byUsername = indexByUsername(users);
  for (const { value: user, path } of users) {
    checkReference(user.role, refs.roles, fieldPath(path, 'role'), 'role', p);
    user.pods.forEach((pod, index) => checkReference(pod, refs.pods, `${fieldPath(path, 'pods')}[${index}]`, 'pod', p));
    if (user.manager === null) continue;
    const manager = byUsername.get(user.manager.toLowerCase());
    if (manager === undefined) p.push(`${fieldPath(path, 'manager')}: unknown user "${user.manager}"`);
    else user.manager = manager.value.username;
  }
  reportManagerCycles(users, byUsername, p);
}

interface IndexedUser extends Located<UserSpec> {
  readonly order: number;
}

function indexByUsername(users: readonly Located<UserSpec>[]): Map<string, IndexedUser> {
  const byUsername = new Map<string, IndexedUser>();
  users.forEach((user, order) => {
    const key = user.value.username.toLowerCase();
    if (key !== '' && !byUsername.has(key)) byUsername.set(key, { ...user, order });
  });
  return byUsername;
}

/** Each user has at most one manager, so following managers either ends or loops once. */
function reportManagerCycles(
  users: readonly Located<UserSpec>[],
  byUsername: ReadonlyMap<string, IndexedUser>,
  p: Problems,
): void {
  const settled = new Set<string>();
  for (const start of users) {
    const trail: string[] = [];
    let key: string | undefined = start.value.username.toLowerCase();
    while (key !== undefined && !settled.has(key) && !trail.includes(key)) {
      trail.push(key);
      key = byUsername.get(key)?.value.manager?.toLowerCase();
    }
    if (key !== undefined && trail.includes(key)) {
      reportCycle(trail.slice(trail.indexOf(key)), byUsername, p);
    }
    for (const visited of trail) settled.add(visited);
  }
}

function reportCycle(keys: readonly string[], byUsername: ReadonlyMap<string, IndexedUser>, p: Problems): void {
  const members = keys.map((key) => byUsername.get(key)).filter((user) => user !== undefined);
  const first = members.reduce((a, b) => (b.order < a.order ? b : a));
  const from = members.indexOf(first);
  const names = [...members.slice(from), ...members.slice(0, from), first].map((user) => user.value.username);
  p.push(`${fieldPath(first.path, 'manager')}: manager cycle: ${names.join(' → ')}`);
}
