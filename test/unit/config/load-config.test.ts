import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/load-config.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('applies the defaults of OPERATIONS.md', () => {
    const config = loadConfig({});
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.http.port, 8080);
    assert.equal(config.http.publicUrl, 'http://127.0.0.1:8080');
    assert.equal(config.http.rateLimitPerKey, 50);
    assert.equal(config.storage.dataDir, path.resolve('data'));
    assert.equal(config.database.url, undefined);
    assert.equal(config.database.sqlitePath, path.resolve('data', 'chakra.db'));
    assert.equal(config.secretKey, null);
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.jobs.queues, { bulk: 1, inbound: 4, webhooks: 16 });
    assert.deepEqual(config.webhooks, { timeoutMs: 10_000, allowPrivateUrls: false });
    assert.equal(config.limits.photoMaxBytes, 10 * 1024 * 1024);
    assert.equal(config.http.jsonBodyLimit, 1024 * 1024);
    assert.equal(config.http.bulkBodyLimit, 50 * 1024 * 1024);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.http));
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000', HOST: '0.0.0.0', DATA_DIR: '/srv/chakra', DATABASE_URL: 'postgres://u@db/x', CHAKRA_SECRET_KEY: KEY,
      PUBLIC_URL: 'https://chakra.example.com/', LOG_LEVEL: 'debug', WORKER_CONCURRENCY: '4', RATE_LIMIT_PER_KEY: '0',
      STORAGE_URL: 's3://bucket/prefix', S3_ENDPOINT: 'http://minio:9000',
    });
    assert.equal(config.http.port, 9000);
    assert.equal(config.http.host, '0.0.0.0');
    assert.equal(config.storage.dataDir, '/srv/chakra');
    assert.equal(config.database.url, 'postgres://u@db/x');
    assert.deepEqual(config.secretKey, Buffer.alloc(32, 7));
    assert.equal(config.http.publicUrl, 'https://chakra.example.com');
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.jobs.queues.bulk, 4);
    assert.equal(config.http.rateLimitPerKey, 0);
    assert.equal(config.storage.url, 's3://bucket/prefix');
    assert.equal(config.storage.s3Endpoint, 'http://minio:9000');
  });

  it('names every bad variable in one line', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', WORKER_CONCURRENCY: '0', DATABASE_URL: 'mysql://x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(!error.message.includes('\n'), 'one line');
        for (const name of ['PORT', 'LOG_LEVEL', 'WORKER_CONCURRENCY', 'DATABASE_URL']) assert.ok(error.message.includes(`${name}:`), name);
        assert.ok(error.message.includes('"abc"'));
        return true;
      },
    );
  });

  it('requires a valid secret key with PostgreSQL', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://u@db/x' }), /CHAKRA_SECRET_KEY: required with DATABASE_URL/);
    assert.throws(() => loadConfig({ CHAKRA_SECRET_KEY: 'c2hvcnQ=' }), /CHAKRA_SECRET_KEY: expected 32 bytes/);
  });
});
