// @ts-check
import tseslint from 'typescript-eslint';

/**
 * Import zones (DESIGN.md, "Dependency direction"):
 *   cli, main → runtime → capabilities (platform, whatsapp, webhooks)
 *     → infrastructure (http, jobs, storage, db, config) → shared
 * Each zone below lists what it must not import. Only src/db/database.ts may open a dialect.
 */
const upward = {
  shared: ['**/config/**', '**/db/**', '**/http/**', '**/jobs/**', '**/storage/**', '**/platform/**', '**/whatsapp/**', '**/webhooks/**', '**/cli/**', '**/runtime.ts'],
  infrastructure: ['**/platform/**', '**/whatsapp/**', '**/webhooks/**', '**/cli/**', '**/runtime.ts'],
  platform: ['**/whatsapp/**', '**/webhooks/**', '**/cli/**', '**/runtime.ts'],
  capability: ['**/cli/**', '**/runtime.ts'],
};
const dialects = ['**/dialect/sqlite.ts', '**/dialect/postgres.ts'];

const zone = (files, forbidden, message, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message }] }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.tmp/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a union of literals: enums are not erasable syntax.' },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'Namespaces are not erasable syntax.' },
        { selector: 'TSParameterProperty', message: 'Parameter properties are not erasable syntax.' },
      ],
    },
  },
  zone(['src/shared/**'], upward.shared, 'src/shared imports nothing from the rest of src/.'),
  zone(['src/config/**', 'src/db/**', 'src/http/**', 'src/jobs/**', 'src/storage/**'], upward.infrastructure, 'Infrastructure must not depend on capabilities, the runtime or the CLI.'),
  zone(['src/platform/**'], [...upward.platform, ...dialects], 'platform reaches WhatsApp and webhooks only through jobs, and never a dialect directly.'),
  zone(['src/whatsapp/**', 'src/webhooks/**'], [...upward.capability, ...dialects], 'Capabilities must not depend on the runtime, the CLI or a dialect.'),
  zone(['src/db/**'], [...upward.infrastructure, ...dialects], 'Only src/db/database.ts opens a dialect; use the Dialect helpers.', ['src/db/database.ts', 'src/db/dialect/**']),
  // Tests inspect arbitrary response shapes.
  { files: ['test/**', 'bench/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['src/**'],
    ignores: ['src/config/load-config.ts', 'src/main.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through loadConfig (src/config).' }],
    },
  },
);
