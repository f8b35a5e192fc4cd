import path from 'node:path';
import { LOG_LEVELS, type Config, type LogLevel } from './config.ts';

/** Thrown when the environment is invalid; its message is one line naming every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const MIB = 1024 * 1024;

/**
 * Reads and validates every variable of OPERATIONS.md (plus the limits it calls configurable).
 * This is the only reader of the environment; everything else receives the frozen Config.
 */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const flag = (name: string): boolean => {
    const raw = read(name);
    if (raw === undefined || raw === 'false' || raw === '0') return false;
    if (raw === 'true' || raw === '1') return true;
    problems.push(`${name}: expected true or false, got "${raw}"`);
    return false;
  };

  const host = read('HOST') ?? '127.0.0.1';
  const port = integer('PORT', 8080, 0, 65535);
  const dataDir = path.resolve(read('DATA_DIR') ?? './data');

  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  }

  const storageUrl = read('STORAGE_URL');
  if (storageUrl !== undefined && !/^(s3|file):\/\//.test(storageUrl)) {
    problems.push('STORAGE_URL: expected s3://bucket/prefix or file:///path');
  }

  const publicUrl = (read('PUBLIC_URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) problems.push('PUBLIC_URL: expected an http(s):// URL');

  const secretKey = parseSecretKey('CHAKRA_SECRET_KEY', read('CHAKRA_SECRET_KEY'), problems);
  const previousSecretKeys = (read('CHAKRA_PREVIOUS_SECRET_KEYS') ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '')
    .map((k) => parseSecretKey('CHAKRA_PREVIOUS_SECRET_KEYS', k, problems)).filter((k): k is Buffer => k !== null);
  if (databaseUrl !== undefined && secretKey === null && read('CHAKRA_SECRET_KEY') === undefined) {
    problems.push('CHAKRA_SECRET_KEY: required with DATABASE_URL (32 random bytes, base64; e.g. `openssl rand -base64 32`)');
  }

  const logLevelRaw = read('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    problems.push(`LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${logLevelRaw}"`);
  }

  const config: Config = {
    http: {
      host,
      port,
      publicUrl,
      jsonBodyLimit: integer('JSON_BODY_LIMIT', 1 * MIB, 1024, 1024 * MIB),
      bulkBodyLimit: integer('BULK_BODY_LIMIT', 50 * MIB, 1024, 1024 * MIB),
      rateLimitPerKey: integer('RATE_LIMIT_PER_KEY', 50, 0, 1_000_000),
    },
    database: { url: databaseUrl, sqlitePath: path.join(dataDir, 'chakra.db'), readTimeoutMs: integer('QUERY_TIMEOUT_MS', 30_000, 1, 3_600_000) },
    storage: { dataDir, url: storageUrl, s3Endpoint: read('S3_ENDPOINT') },
    secretKey,
    previousSecretKeys,
    logLevel: logLevelRaw as LogLevel,
    jobs: {
      queues: {
        bulk: integer('WORKER_CONCURRENCY', 1, 1, 256),
        inbound: integer('INBOUND_WORKER_CONCURRENCY', 4, 1, 256),
        webhooks: integer('WEBHOOK_WORKER_CONCURRENCY', 16, 1, 1024),
      },
      retentionDays: integer('JOB_RETENTION_DAYS', 30, 1, 36500),
      leaseMs: integer('JOB_LEASE_MS', 30_000, 100, 24 * 60 * 60 * 1000),
      pollMs: integer('JOB_POLL_MS', 250, 10, 60_000),
    },
    webhooks: {
      timeoutMs: integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 300_000),
      allowPrivateUrls: flag('WEBHOOK_ALLOW_PRIVATE_URLS'),
    },
    whatsapp: {
      graphTimeoutMs: integer('GRAPH_TIMEOUT_MS', 15_000, 100, 300_000),
      mediaMaxBytes: {
        image: integer('MEDIA_MAX_IMAGE_BYTES', 5 * MIB, 1024, 1024 * MIB),
        video: integer('MEDIA_MAX_VIDEO_BYTES', 16 * MIB, 1024, 1024 * MIB),
        audio: integer('MEDIA_MAX_AUDIO_BYTES', 16 * MIB, 1024, 1024 * MIB),
        document: integer('MEDIA_MAX_DOCUMENT_BYTES', 100 * MIB, 1024, 1024 * MIB),
      },
    },
    limits: {
      photoMaxBytes: integer('PHOTO_MAX_BYTES', 10 * MIB, 1024, 1024 * MIB),
      bulkMaxItems: integer('BULK_MAX_ITEMS', 100_000, 1, 10_000_000),
    },
  };

  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return deepFreeze(config);
}

function parseSecretKey(name: string, raw: string | undefined, problems: string[]): Buffer | null {
  if (raw === undefined) return null;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+=*$/.test(raw)) {
    problems.push(`${name}: expected 32 bytes encoded as base64${name.endsWith('KEYS') ? ' (comma-separated)' : ''}`);
    return null;
  }
  return key;
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object' && !Buffer.isBuffer(child)) deepFreeze(child);
  }
  return Object.freeze(value);
}
