import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { png } from '../../fixtures/images/images.ts';
import { upload } from './photo-support.ts';

describe('Checking that photo ids belong to a team (for photo attributes)', () => {
  let server: TestServer;
  let acme: SeededTeam;
  let globex: SeededTeam;
  let acmePhoto: string;
  let globexPhoto: string;
  const adminOf = (teamId: string) => ({ teamId, keyId: '', userId: '', roleId: '', roleType: 'ADMIN' as const });
  before(async () => {
    server = await startTestServer();
    acme = await seedTeam(server.runtime, 'acme');
    globex = await seedTeam(server.runtime, 'globex');
    acmePhoto = (await upload(server.url, acme.tokens.user, png(2, 2))).body._data.id;
    globexPhoto = (await upload(server.url, globex.tokens.user, png(2, 2))).body._data.id;
  });
  after(() => server.close());

  it('names every id that is not a photo of the team, in the order given', async () => {
    const unknown = randomUUID();
    const missing = await server.runtime.services.photos.missingPhotoIds(adminOf(acme.teamId), [acmePhoto, globexPhoto, 'not-a-uuid', acmePhoto.toUpperCase(), unknown]);
    assert.deepEqual(missing, [globexPhoto, 'not-a-uuid', unknown]);
    assert.deepEqual(await server.runtime.services.photos.missingPhotoIds(adminOf(globex.teamId), [acmePhoto, globexPhoto]), [acmePhoto]);
    assert.deepEqual(await server.runtime.services.photos.missingPhotoIds(adminOf(acme.teamId), []), []);
  });

  it('checks inside the caller\'s transaction', async () => {
    const missing = await server.runtime.db.transaction((tx) => server.runtime.services.photos.missingPhotoIds(adminOf(acme.teamId), [acmePhoto, globexPhoto], tx));
    assert.deepEqual(missing, [globexPhoto]);
  });
});
