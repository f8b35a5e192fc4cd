import { AppError, badRequest, conflict, forbidden, notFound, payloadTooLarge } from '../../shared/errors.ts';

export const invalidPhotoId = (): AppError => badRequest('photoId: expected a UUID');
export const photoNotFound = (): AppError => notFound('Photo not found');
export const photoRequired = (): AppError =>
  new AppError('VALIDATION_FAILED', 400, 'photo: is required (send the image as a multipart file part named "photo")');
export const photoNotAFile = (): AppError => new AppError('VALIDATION_FAILED', 400, 'photo: expected a file part, got a text field');
export const unexpectedFile = (name: string): AppError =>
  new AppError('VALIDATION_FAILED', 400, `${name}: unexpected file part (send the image as "photo")`);
export const unknownField = (name: string): AppError => new AppError('VALIDATION_FAILED', 400, `${name}: unknown field`);
export const repeatedField = (name: string): AppError => new AppError('VALIDATION_FAILED', 400, `${name}: sent more than once`);
export const fieldTooLong = (name: string, max: number): AppError =>
  new AppError('VALIDATION_FAILED', 400, `${name}: expected at most ${max} characters`);
export const notAnImage = (): AppError => badRequest('photo: not a PNG, JPEG, GIF or WebP image');
export const unreadableImage = (): AppError => badRequest('photo: the image is damaged or truncated (its width and height cannot be read)');
export const uploadInterrupted = (cause: unknown): AppError => badRequest('photo: the upload ended before the file was complete', cause);
export const photoTooLarge = (maxBytes: number): AppError => payloadTooLarge(`photo: larger than the limit of ${maxBytes} bytes`);
export const differentBytes = (): AppError =>
  conflict('photoId: a photo with this id already exists with different bytes (an upload with an id is idempotent only for the same file)');
export const idInUse = (): AppError => conflict('photoId: this id is already in use; choose another UUID');
export const linkExpired = (): AppError => forbidden('This photo link has expired; fetch the photo again for a new one');
export const linkInvalid = (): AppError => forbidden('This photo link is not valid (missing or wrong signature)');
