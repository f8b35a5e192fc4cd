import type { QueueName } from '../jobs/queues.ts';
/** The server's whole configuration, validated once at start (see load-config.ts). */
export interface Config {
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Base of links the server hands out (signed photo URLs, public media, paging). No trailing slash. */
    readonly publicUrl: string;
    readonly jsonBodyLimit: number;
    readonly bulkBodyLimit: number;
    /** Requests per second per API key; 0 turns the limit off. */
    readonly rateLimitPerKey: number;
  };
  readonly database: {
    /** PostgreSQL connection string; undefined means embedded SQLite at `sqlitePath`. */
    readonly url: string | undefined;
    readonly sqlitePath: string;
    /** Time budget of a list or count on PostgreSQL (QUERY_TIMEOUT_MS). */
    readonly readTimeoutMs: number;
  };
  readonly storage: {
    readonly dataDir: string;
    readonly url: string | undefined;
    readonly s3Endpoint: string | undefined;
  };
  /** 32-byte key for signing links and encrypting stored secrets; null = generate/read in DATA_DIR. */
  readonly secretKey: Buffer | null;
  /** Earlier secret keys (CHAKRA_PREVIOUS_SECRET_KEYS): secrets sealed under them still open. */
  readonly previousSecretKeys: readonly Buffer[];
  readonly logLevel: LogLevel;
  readonly jobs: {
    /** Jobs each queue runs at once per worker process (WORKER_CONCURRENCY for bulk work, INBOUND_/WEBHOOK_WORKER_CONCURRENCY). */
    readonly queues: Readonly<Record<QueueName, number>>;
    readonly retentionDays: number;
    /** How long a claimed job stays a worker's before another may take it over. */
    readonly leaseMs: number;
    /** How often an idle worker looks for due work. */
    readonly pollMs: number;
  };
  readonly webhooks: {
    /** Time budget of one delivery attempt (WEBHOOK_TIMEOUT_MS). */
    readonly timeoutMs: number;
    /** WEBHOOK_ALLOW_PRIVATE_URLS: endpoints may be loopback, private or link-local addresses. */
    readonly allowPrivateUrls: boolean;
  };
  readonly whatsapp: {
    /** Time budget of one Graph API call (GRAPH_TIMEOUT_MS); a send past it is not re-sent. */
    readonly graphTimeoutMs: number;
    /** Upload Public Media: the most bytes per kind of file (Meta's limits by default). */
    readonly mediaMaxBytes: { readonly image: number; readonly video: number; readonly audio: number; readonly document: number };
  };
  readonly limits: {
    readonly photoMaxBytes: number;
    readonly bulkMaxItems: number;
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
