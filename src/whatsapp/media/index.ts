import { mediaRoutes } from './media.routes.ts';
import { createPublicMediaService, type PublicMediaDeps } from './public-media.service.ts';
import { createWhatsappMediaService } from './whatsapp-media.service.ts';
import type { GraphClient } from '../graph/graph-client.ts';

export type { MediaLimits } from './public-media.service.ts';
export { createMediaRepo } from './public-media.repo.ts';
export { whatsappMediaKey } from './whatsapp-media.service.ts';

/** WhatsApp media (API.md §8.3). */
export function createMediaModule(deps: PublicMediaDeps & { readonly graph: GraphClient }) {
  const service = createPublicMediaService(deps);
  const whatsappMedia = createWhatsappMediaService(deps);
  return { service, whatsappMedia, routes: mediaRoutes(service, whatsappMedia, Math.max(...Object.values(deps.limits))) };
}
