/** The role types a role (and so an API key) can have, declared once for the HTTP layer and config. */
export const ROLE_TYPES = ['ADMIN', 'MANAGER', 'USER'] as const;
export type RoleType = (typeof ROLE_TYPES)[number];
