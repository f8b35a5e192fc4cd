import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { call, type ApiResponse } from '../../support/http.ts';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export interface UploadOptions {
  /** Name of the file part (default `photo`). */
  part?: string;
  /** File name and type the client claims for the part. */
  name?: string;
  type?: string;
  fields?: Record<string, string>;
  /** Text fields sent before the file (default: after). */
  fieldsFirst?: boolean;
}

/** A multipart upload as a client would send it (fetch builds the body and its boundary). */
export function photoForm(bytes: Uint8Array | null, options: UploadOptions = {}): FormData {
  const form = new FormData();
  const addFields = () => {
    for (const [key, value] of Object.entries(options.fields ?? {})) form.append(key, value);
  };
  if (options.fieldsFirst) addFields();
  if (bytes !== null) {
    form.append(options.part ?? 'photo', new Blob([new Uint8Array(bytes)], { type: options.type ?? 'application/octet-stream' }), options.name ?? 'upload.bin');
  }
  if (!options.fieldsFirst) addFields();
  return form;
}

export function upload(url: string, token: string, bytes: Uint8Array | null, options: UploadOptions & { id?: string } = {}): Promise<ApiResponse> {
  const target = options.id === undefined ? '/v1/ext/photo' : `/v1/ext/photo/${options.id}`;
  return call(url, 'POST', target, { token, body: photoForm(bytes, options) });
}

/**
 * Follows a signed link as a browser would (no token) and keeps the body as bytes. It uses its
 * own connection, closed after the response: a streamed body can reach the client a moment
 * before the server marks the response finished, and a kept-alive socket in that state would
 * hold up closing the test server until the keep-alive timeout.
 */
export function download(baseUrl: string, link: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer; json: any }> {
  const target = new URL(link);
  return new Promise((resolve, reject) => {
    const request = http.get(baseUrl + target.pathname + target.search, { agent: false, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const isJson = (response.headers['content-type'] ?? '').includes('json');
        resolve({ status: response.statusCode ?? 0, headers: responseHeaders, bytes, json: isJson ? JSON.parse(bytes.toString('utf8')) : undefined });
      });
    });
    request.on('error', reject);
  });
}

/** Every regular file under the storage root, hidden temporary files included. */
export function storedFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'files');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** The error envelope of API.md §0 with the given status and code. */
export function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.deepEqual(res.body._data, []);
  assert.equal(res.body._meta.code, code);
  assert.ok(Array.isArray(res.body._errors) && res.body._errors.length > 0 && typeof res.body._errors[0] === 'string');
}
