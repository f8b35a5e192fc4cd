export { createApiKeysService, type ApiKeysDeps, type ApiKeysService, type ApiKeyView, type CreateKeyInput } from './api-keys.service.ts';
export { createTokenResolver } from './token-resolver.ts';
export { createApiKeysRepo } from './api-keys.repo.ts';
