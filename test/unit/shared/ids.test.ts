import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { isUuid, newId } from '../../../src/shared/ids.ts';

const timestampOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('newId: UUIDv7 that sort by creation', () => {
  it('are version 7 UUIDs', () => {
    const id = newId();
    assert.ok(isUuid(id));
    assert.equal(id[14], '7');
    assert.ok('89ab'.includes(id[19]));
  });

  it('keep increasing when far more ids are made in one millisecond than the counter holds', () => {
    const frozen = Date.now() + 60_000; // ahead of every id made so far in this process
    mock.method(Date, 'now', () => frozen);
    try {
      const ids = Array.from({ length: 10_000 }, () => newId());
      assert.equal(new Set(ids).size, ids.length);
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `id ${i} does not sort after the one before it`);
      assert.equal(timestampOf(ids[0]), frozen);
      assert.ok(timestampOf(ids.at(-1)!) > frozen, 'the timestamp moved on when the counter ran out');
    } finally {
      mock.restoreAll();
    }
  });

  it('keep increasing when the clock steps back', () => {
    const before = newId();
    mock.method(Date, 'now', () => 1_000);
    try {
      assert.ok(newId() > before);
    } finally {
      mock.restoreAll();
    }
  });
});
