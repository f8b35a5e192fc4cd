import { photosRoutes } from './photos.routes.ts';
import { createPhotosService, type PhotosDeps } from './photos.service.ts';

export { type PhotosService, type UploadPart } from './photos.service.ts';

export function createPhotosModule(deps: PhotosDeps) {
  const service = createPhotosService(deps);
  return { service, routes: photosRoutes(service, deps.maxBytes) };
}
