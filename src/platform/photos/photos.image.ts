import { imageSize } from 'image-size';

/** The image types a photo may be (API.md §7), recognised from their first bytes. */
export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** How many leading bytes `sniffImageType` needs to decide. */
export const SNIFF_BYTES = 12;

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** The type by magic bytes, never by what the client declared; null when not one we take. */
export function sniffImageType(head: Uint8Array): ImageMimeType | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/** The `filetype` used when the client declares none: the subtype of the sniffed type. */
export function defaultFiletype(mimeType: ImageMimeType): string {
  return mimeType.slice('image/'.length);
}

/**
 * Width and height from the image's header; null when the bytes given do not contain a whole,
 * sane header (truncated or damaged, or not all of the header was read yet).
 */
export function readDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  try {
    const { width, height } = imageSize(bytes);
    const sane = (n: number) => Number.isInteger(n) && n > 0 && n <= 1_000_000;
    return sane(width) && sane(height) ? { width, height } : null;
  } catch {
    return null;
  }
}
