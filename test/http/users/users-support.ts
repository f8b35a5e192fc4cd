import assert from 'node:assert/strict';
import { demoConfigFor } from '../../support/factories.ts';
import type { ApiResponse } from '../../support/http.ts';

/** Every key of the v1 user object: the Fetch User sample's keys plus `pods` and `isServiceAccount`. */
export const USER_KEYS = [
  'id', 'createdAt', 'updatedAt', 'username', 'firstName', 'lastName', 'middleName', 'displayName', 'gender', 'dob',
  'bio', 'profileImageUrl', 'coverImageUrl', 'timezone', 'data', 'onboardingData', 'isActive', 'isDeleted', 'deletedAt',
  'availabilityStatus', 'team', 'role', 'pods', 'emails', 'phones', 'primaryEmail', 'primaryPhone', 'profile',
  'reportees', 'isServiceAccount',
].sort();

export const EMAIL_KEYS = ['id', 'createdAt', 'updatedAt', 'email', 'normalizedEmail', 'type', 'isVerified', 'user'].sort();

/** 2021-09-16T18:34:58.108+05:30, the instant of the reference sample. */
export const SAMPLE_INSTANT = Date.UTC(2021, 8, 16, 13, 4, 58, 108);

/** A clock the test moves by hand, so "updatedAt moved" and exact timestamps can be asserted. */
export function manualClock(start = SAMPLE_INSTANT) {
  let now = start;
  return {
    clock: () => now,
    now: () => now,
    /** Moves time forward and returns the new instant. */
    advance(ms = 1000): number {
      now += ms;
      return now;
    },
  };
}

/** An error answer: the envelope with `_data: []`, the machine code and at least one message. */
export function assertError(res: ApiResponse, status: number, code: string): string[] {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.deepEqual(res.body._data, []);
  assert.equal(res.body._meta.code, code);
  assert.ok(Array.isArray(res.body._errors) && res.body._errors.length > 0, 'expected at least one error message');
  return res.body._errors as string[];
}

/** The `_data` of a successful answer. */
export function dataOf(res: ApiResponse): any {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body._data;
}

/** The demo config of `slug` with one user's entry taken out (to prune that user). */
export function configWithoutUser(slug: string, username: string): string {
  const lines = demoConfigFor(slug).split('\n');
  const start = lines.findIndex((line) => new RegExp(`^ {2}- (\\{ )?username: ${username}\\b`).test(line));
  assert.ok(start >= 0, `user ${username} not found in the demo config`);
  let end = start + 1;
  while (end < lines.length && /^ {4}\S/.test(lines[end])) end += 1;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n');
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns how long it took, or null. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started <= timeoutMs) {
    if (await probe()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}
