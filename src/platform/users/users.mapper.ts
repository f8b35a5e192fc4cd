import { formatInTimezone } from '../../shared/time.ts';
import type { UserAggregate, UserEmailRow, UserPhoneRow } from './users.repo.ts';
import type { UserV1Wire, UserV2Wire } from './users.schemas.ts';

/** What v2 needs to humanize ids: the team, and shortIds of roles and pods. */
export interface HumanizeContext {
  readonly teamSlug: string;
  readonly timezone: string;
  readonly roleShortIds: ReadonlyMap<string, string>;
  readonly podShortIds: ReadonlyMap<string, string>;
}

const emailWire = (e: UserEmailRow) => ({
  id: e.id,
  createdAt: e.created_at,
  updatedAt: e.updated_at,
  email: e.email,
  normalizedEmail: e.normalized_email,
  type: e.type,
  isVerified: e.is_verified === 1,
  user: e.user_id,
});

const phoneWire = (p: UserPhoneRow) => ({
  id: p.id,
  createdAt: p.created_at,
  updatedAt: p.updated_at,
  phone: p.phone,
  type: p.type,
  isVerified: p.is_verified === 1,
  user: p.user_id,
});

function commonFields(a: UserAggregate) {
  const u = a.user;
  return {
    phones: a.phones.map(phoneWire),
    emails: a.emails.map(emailWire),
    id: u.id,
    username: u.username,
    firstName: u.first_name,
    lastName: u.last_name,
    middleName: u.middle_name,
    displayName: u.display_name,
    gender: u.gender,
    dob: u.dob,
    bio: u.bio,
    profileImageUrl: u.profile_image_url,
    coverImageUrl: u.cover_image_url,
    timezone: u.timezone,
    data: u.data ?? null,
    onboardingData: u.onboarding_data ?? null,
    isActive: u.is_active === 1,
    isDeleted: u.is_deleted === 1,
    isServiceAccount: u.is_service_account === 1,
    availabilityStatus: u.availability_status,
    profile: null,
    reportees: a.reporteeIds,
  };
}

/** The v1 user: ids as UUIDs, times as epoch ms (API.md §6). */
export function toUserV1(a: UserAggregate): UserV1Wire {
  const u = a.user;
  const primaryEmail = a.emails.find((e) => e.id === u.primary_email_id);
  const primaryPhone = a.phones.find((p) => p.id === u.primary_phone_id);
  return {
    ...commonFields(a),
    createdAt: u.created_at,
    updatedAt: u.updated_at,
    deletedAt: u.deleted_at,
    team: u.team_id,
    role: u.role_id,
    pods: a.podIds,
    primaryEmail: primaryEmail ? emailWire(primaryEmail) : null,
    primaryPhone: primaryPhone ? phoneWire(primaryPhone) : null,
  };
}

/** The v2 "humanized" user: times in the team's timezone, references as shortIds. */
export function toUserV2(a: UserAggregate, ctx: HumanizeContext): UserV2Wire {
  const u = a.user;
  const at = (ms: number) => formatInTimezone(ms, ctx.timezone);
  return {
    ...commonFields(a),
    createdAt: at(u.created_at),
    updatedAt: at(u.updated_at),
    deletedAt: u.deleted_at === null ? null : at(u.deleted_at),
    team: ctx.teamSlug,
    role: u.role_id === null ? null : (ctx.roleShortIds.get(u.role_id) ?? null),
    pods: a.podIds.map((id) => ctx.podShortIds.get(id)).filter((s): s is string => s !== undefined),
    primaryEmail: a.emails.find((e) => e.id === u.primary_email_id)?.email ?? null,
    primaryPhone: a.phones.find((p) => p.id === u.primary_phone_id)?.phone ?? null,
  };
}
