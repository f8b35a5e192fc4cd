import type { PhotoRow } from './photos.repo.ts';
import type { PhotoWire } from './photos.schemas.ts';

/** The photo object of API.md §7. */
export function toPhotoWire(row: PhotoRow): PhotoWire {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    filetype: row.filetype,
    filename: row.filename,
    height: row.height,
    width: row.width,
    isPublic: row.is_public === 1,
    team: row.team_id,
    user: row.user_id,
    size: row.size,
    mimeType: row.mime_type,
    sha256: row.sha256,
  };
}
