export { createApiKeysService, type ApiKeysService, type ApiKeyView, type CreateKeyInput } from './api-keys.service.ts';
export { createTokenResolver, type CachingTokenResolver } from './token-resolver.ts';
export { createApiKeysRepo } from './api-keys.repo.ts';
