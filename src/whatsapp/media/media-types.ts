/**
 * What an uploaded file is, from its first bytes (clients send every part as
 * application/octet-stream). Only the types WhatsApp takes are recognised, so nothing that a
 * browser would render as a page (HTML, SVG, XML) can ever be served from a media URL.
 * Office files are containers (ZIP or OLE); which Office type is told by the file name.
 */
export type MediaKind = 'image' | 'video' | 'audio' | 'document';

export interface MediaType {
  readonly mimeType: string;
  readonly extension: string;
  readonly kind: MediaKind;
}

/** Bytes needed to tell every recognised type apart. */
export const MEDIA_SNIFF_BYTES = 4096;

const type = (mimeType: string, extension: string, kind: MediaKind): MediaType => ({ mimeType, extension, kind });
const OFFICE_ZIP: Record<string, MediaType> = {
  docx: type('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx', 'document'),
  xlsx: type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx', 'document'),
  pptx: type('application/vnd.openxmlformats-officedocument.presentationml.presentation', 'pptx', 'document'),
};
const OFFICE_OLE: Record<string, MediaType> = {
  doc: type('application/msword', 'doc', 'document'),
  xls: type('application/vnd.ms-excel', 'xls', 'document'),
  ppt: type('application/vnd.ms-powerpoint', 'ppt', 'document'),
};

const startsWith = (head: Buffer, bytes: readonly number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
const ascii = (head: Buffer, from: number, to: number) => head.subarray(from, to).toString('latin1');
const extensionOf = (name: string) => (/\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1] ?? '').toLowerCase();

export function sniffMediaType(head: Buffer, filename: string): MediaType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return type('image/jpeg', 'jpg', 'image');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return type('image/png', 'png', 'image');
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return type('image/webp', 'webp', 'image');
  if (ascii(head, 0, 5) === '%PDF-') return type('application/pdf', 'pdf', 'document');
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (brand.startsWith('M4A')) return type('audio/mp4', 'm4a', 'audio');
    if (brand.startsWith('3gp') || brand.startsWith('3g2')) return type('video/3gpp', '3gp', 'video');
    return type('video/mp4', 'mp4', 'video');
  }
  if (ascii(head, 0, 4) === 'OggS') return type('audio/ogg', 'ogg', 'audio');
  if (ascii(head, 0, 6) === '#!AMR\n') return type('audio/amr', 'amr', 'audio');
  if (ascii(head, 0, 3) === 'ID3' || (head[0] === 0xff && [0xfb, 0xf3, 0xf2].includes(head[1]))) return type('audio/mpeg', 'mp3', 'audio');
  if (head[0] === 0xff && (head[1] & 0xf6) === 0xf0) return type('audio/aac', 'aac', 'audio');
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return OFFICE_ZIP[extensionOf(filename)] ?? null;
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return OFFICE_OLE[extensionOf(filename)] ?? null;
  if (extensionOf(filename) === 'txt' && isPlainText(head)) return type('text/plain', 'txt', 'document');
  return null;
}

/** UTF-8 text without markup: a `.txt` file that no browser could take for HTML or SVG. */
function isPlainText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0) || head.includes(0x3c)) return false;
  return !new TextDecoder('utf-8', { fatal: false }).decode(head).includes('\uFFFD');
}
