/**
 * The test suite's own settings. `test/run.ts` runs every file once with TEST_DIALECT=sqlite and
 * the database-facing files again with TEST_DIALECT=postgres.
 */
export const TEST_DIALECT: 'sqlite' | 'postgres' = process.env.TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
