import { Type, type Static } from 'typebox';

export const PhotoIdParams = Type.Object({ photoId: Type.String({ description: 'Photo UUID' }) });

export const DownloadQuery = Type.Object({
  expires: Type.Optional(Type.String({ description: 'Expiry of the link, Unix epoch milliseconds' })),
  signature: Type.Optional(Type.String({ description: 'HMAC-SHA256 of the link (hex)' })),
});

/** Documents the multipart body; the handler reads the parts itself, streaming. */
export const UploadPhotoBody = Type.Object(
  {
    photo: Type.String({ format: 'binary', description: 'The image: PNG, JPEG, GIF or WebP (recognised by its bytes), at most 10 MiB by default' }),
    filename: Type.Optional(Type.String({ maxLength: 255, description: 'Name of the photo; defaults to the file name of the part' })),
    filetype: Type.Optional(Type.String({ maxLength: 255, description: 'Declared type, e.g. "png"; kept as sent. `mimeType` is what the bytes are' })),
  },
  { required: ['photo'] },
);

const Timestamp = Type.Integer({ description: 'Unix epoch milliseconds' });

const photoFields = {
  id: Type.String({ description: 'Photo UUID' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  filetype: Type.String(),
  filename: Type.String(),
  height: Type.Integer({ description: 'Pixels, read from the image' }),
  width: Type.Integer({ description: 'Pixels, read from the image' }),
  isPublic: Type.Boolean(),
  team: Type.String({ description: 'Team UUID' }),
  user: Type.Union([Type.String({ description: 'UUID of the user the uploading key acts as' }), Type.Null()]),
  size: Type.Integer({ description: 'Bytes' }),
  mimeType: Type.String({ description: 'The type recognised from the bytes' }),
  sha256: Type.String({ description: 'SHA-256 of the bytes, hex' }),
};

export const Photo = Type.Object(photoFields);

export const PhotoWithUrl = Type.Object({
  ...photoFields,
  url: Type.String({ description: 'Signed link to the bytes, valid 5 minutes, usable without a token (e.g. in <img src>)' }),
});

export type PhotoWire = Static<typeof Photo>;
export type PhotoWithUrlWire = Static<typeof PhotoWithUrl>;
