import { Type, type Static } from 'typebox';
import { Nullable, SafeInteger } from '../../http/schema-types.ts';

export const UserIdParams = Type.Object({ userId: Type.String({ description: 'User UUID' }) });

export const ListUsersQuery = Type.Object(
  {
    includeServiceAccounts: Type.Optional(
      Type.Boolean({ description: 'Also list the hidden service users that keys created without --user act as' }),
    ),
  },
  { additionalProperties: false },
);

/** The largest epoch ms a JavaScript Date accepts (about 275,000 years either side of 1970). */
const MAX_DATE_MS = 8_640_000_000_000_000;

const Timestamp = Type.Integer({ description: 'Unix epoch milliseconds' });

export const UserEmail = Type.Object({
  id: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  email: Type.String(),
  normalizedEmail: Type.String(),
  type: Type.String(),
  isVerified: Type.Boolean(),
  user: Type.String(),
});

export const UserPhone = Type.Object({
  id: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  phone: Type.String(),
  type: Type.String(),
  isVerified: Type.Boolean(),
  user: Type.String(),
});

const commonUserFields = {
  id: Type.String(),
  username: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  middleName: Type.String(),
  displayName: Type.String(),
  gender: Type.String(),
  dob: Type.Integer(),
  bio: Type.String(),
  profileImageUrl: Type.String(),
  coverImageUrl: Type.String(),
  timezone: Type.String(),
  data: Type.Unknown(),
  onboardingData: Type.Unknown(),
  isActive: Type.Boolean(),
  isDeleted: Type.Boolean(),
  isServiceAccount: Type.Boolean(),
  availabilityStatus: Type.String(),
  emails: Type.Array(UserEmail),
  phones: Type.Array(UserPhone),
  profile: Type.Null(),
  reportees: Type.Array(Type.String(), { description: 'UUIDs of the users whose manager this user is' }),
};

export const UserV1 = Type.Object({
  ...commonUserFields,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  deletedAt: Nullable(Timestamp),
  team: Type.String({ description: 'Team UUID' }),
  role: Nullable(Type.String({ description: 'Role UUID' })),
  pods: Type.Array(Type.String(), { description: 'Pod UUIDs' }),
  primaryEmail: Nullable(UserEmail),
  primaryPhone: Nullable(UserPhone),
});

const IsoTime = Type.String({ description: "ISO-8601 in the team's timezone" });

export const UserV2 = Type.Object({
  ...commonUserFields,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  deletedAt: Nullable(IsoTime),
  team: Type.String({ description: 'Team slug' }),
  role: Nullable(Type.String({ description: 'Role shortId' })),
  pods: Type.Array(Type.String(), { description: 'Pod shortIds' }),
  primaryEmail: Nullable(Type.String()),
  primaryPhone: Nullable(Type.String()),
});

export const UpdateUserBody = Type.Object(
  {
    firstName: Type.Optional(Type.String({ maxLength: 200 })),
    lastName: Type.Optional(Type.String({ maxLength: 200 })),
    middleName: Type.Optional(Type.String({ maxLength: 200 })),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    gender: Type.Optional(Type.String({ maxLength: 50 })),
    // Bounded to what a JavaScript Date can hold, so every stored value reads back exactly.
    dob: Type.Optional(SafeInteger({ minimum: -MAX_DATE_MS, maximum: MAX_DATE_MS, description: 'Epoch ms; 0 = unknown' })),
    bio: Type.Optional(Type.String({ maxLength: 5000 })),
    timezone: Type.Optional(Type.String({ maxLength: 64, description: 'An offset ("+05:30") or IANA name; "" = the team\'s' })),
    // An `enum` (not a union of literals) so a wrong value is answered with the allowed ones.
    availabilityStatus: Type.Optional(Type.Enum(['AVAILABLE', 'NOT_AVAILABLE', 'ON_BREAK'])),
    isActive: Type.Optional(Type.Boolean()),
    data: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
    role: Type.Optional(Type.String({ description: 'Role shortId or UUID (ADMIN keys only)' })),
    pods: Type.Optional(Type.Array(Type.String(), { description: 'Pod shortIds or UUIDs; replaces the list', maxItems: 1000 })),
    primaryPhone: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    profileImageUrl: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export type UserV1Wire = Static<typeof UserV1>;
export type UserV2Wire = Static<typeof UserV2>;
export type UpdateUserInput = Static<typeof UpdateUserBody>;
