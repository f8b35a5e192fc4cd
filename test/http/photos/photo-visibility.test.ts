import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { demoConfigFor, seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, dataOf, uploadPhoto, type Client } from '../../support/processes.ts';
import { newCallTask } from '../tasks/tasks-support.ts';
import { assertError, upload } from './photo-support.ts';
import { png } from '../../fixtures/images/images.ts';

/** The demo config with a `multiPhotos` attribute on leads and a `photo` attribute on the call task. */
function configWithPhotoAttributes(slug: string): string {
  const text = demoConfigFor(slug);
  const leadPhoto = '      - { shortId: photo, name: Photo, type: photo }';
  const callRemarks = '          - { shortId: remarks, type: text }';
  assert.ok(text.includes(leadPhoto) && text.includes(callRemarks), 'the demo lead has a photo attribute and its call task remarks');
  return text
    .replace(leadPhoto, `${leadPhoto}\n      - { shortId: gallery, name: Gallery, type: multiPhotos }`)
    .replace(callRemarks, `${callRemarks}\n          - { shortId: proof, type: photo }`);
}

describe('Fetch Photo: a USER-role key sees its own photos and those of what it may see (API.md §1, §7)', () => {
  let server: TestServer;
  let acme: SeededTeam;
  let admin: Client;
  let manager: Client;
  let john: Client;
  const photoPath = (id: string) => `/v1/ext/photo/${id}`;
  const adminPhoto = () => uploadPhoto(server.url, acme.tokens.admin);
  const lead = (body: Record<string, unknown>) => createProcess(admin, LEAD, { ...body, data: { first_name: 'Ted', ...(body.data as object) } });

  before(async () => {
    server = await startTestServer();
    acme = await seedTeam(server.runtime, 'acme');
    await server.runtime.services.teamConfig.apply({ teamSlug: 'acme', text: configWithPhotoAttributes('acme'), env: {} });
    admin = client(server.url, acme.tokens.admin);
    manager = client(server.url, acme.tokens.manager);
    john = client(server.url, acme.tokens.user);
  });
  after(() => server.close());

  it("answers 404 for an ADMIN's upload that nothing it may see refers to; ADMIN and MANAGER still see it", async () => {
    const id = await adminPhoto();
    assertError(await john.get(photoPath(id)), 404, 'NOT_FOUND');
    assert.equal(dataOf(await admin.get(photoPath(id))).id, id);
    assert.equal(dataOf(await manager.get(photoPath(id))).id, id);
  });

  it('answers 200 for a photo it uploaded itself, with its signed link', async () => {
    const id = await uploadPhoto(server.url, acme.tokens.user);
    const photo = dataOf(await john.get(photoPath(id)));
    assert.equal(photo.id, id);
    assert.equal(photo.user, acme.userIds.john);
    assert.match(photo.url, new RegExp(`/v1/ext/photo/${id}/download\\?`));
  });

  it('answers 200 for the photo of a process assigned to it, and 404 once the process goes to someone it cannot see', async () => {
    const id = await adminPhoto();
    const p = await lead({ assignedTo: 'john', data: { photo: id } });
    assert.equal(dataOf(await john.get(photoPath(id))).id, id);
    assert.equal(dataOf(await john.get(photoPath(id.toUpperCase()))).id, id, 'the id is matched whatever its case');
    dataOf(await admin.put(`${LEAD}/${p.id}`, { assignedTo: 'priya' }));
    assertError(await john.get(photoPath(id)), 404, 'NOT_FOUND');
  });

  it('answers 404 for the photo of a process it can see once that process is deleted', async () => {
    const id = await adminPhoto();
    const p = await lead({ assignedTo: 'john', data: { photo: id } });
    assert.equal(dataOf(await john.get(photoPath(id))).id, id);
    dataOf(await admin.delete(`${LEAD}/${p.id}`));
    assertError(await john.get(photoPath(id)), 404, 'NOT_FOUND');
  });

  it('answers 200 for a photo inside a multiPhotos value of a process it can see, 404 when the process is hidden', async () => {
    const [first, second, hidden] = [await adminPhoto(), await adminPhoto(), await adminPhoto()];
    await lead({ assignedTo: 'john', data: { gallery: [first, second] } });
    await lead({ assignedTo: 'priya', data: { gallery: [hidden] } });
    assert.equal(dataOf(await john.get(photoPath(second))).id, second);
    assert.equal(dataOf(await john.get(photoPath(first))).id, first);
    assertError(await john.get(photoPath(hidden)), 404, 'NOT_FOUND');
    assert.equal(dataOf(await manager.get(photoPath(hidden))).id, hidden);
  });

  it('answers 200 for the photo of a task on a process it can see, 404 for a task on a hidden process', async () => {
    const [mine, hidden] = [await adminPhoto(), await adminPhoto()];
    const visible = await lead({ assignedTo: 'john' });
    const other = await lead({ assignedTo: 'priya' });
    await newCallTask(admin, visible.id, { data: { proof: mine } });
    await newCallTask(admin, other.id, { data: { proof: hidden }, assignedTo: 'john' });
    assert.equal(dataOf(await john.get(photoPath(mine))).id, mine);
    assertError(await john.get(photoPath(hidden)), 404, 'NOT_FOUND');
  });

  it('cannot attach a photo it may not see to a process or task of its own, and so cannot come to see it', async () => {
    const hidden = await adminPhoto();
    const own = await uploadPhoto(server.url, acme.tokens.user);
    const refused = await john.post(LEAD, { data: { first_name: 'Mine', photo: hidden } });
    assertError(refused, 400, 'VALIDATION_FAILED');
    assert.ok(refused.body._errors.some((m: string) => m.includes(hidden)), refused.body._errors.join());
    assertError(await john.get(photoPath(hidden)), 404, 'NOT_FOUND');
    const mine = await john.post(LEAD, { data: { first_name: 'Mine', photo: own, gallery: [own] } });
    assert.equal(mine.status, 200, JSON.stringify(mine.body._errors));
    const updated = await john.put(`${LEAD}/${mine.body._data.id}`, { data: { gallery: [own, hidden] } });
    assertError(updated, 400, 'VALIDATION_FAILED');
    const task = await john.post(`/v1/ext/p/lead/${mine.body._data.id}/task/call`, { data: { proof: hidden } });
    assertError(task, 400, 'VALIDATION_FAILED');
    // A photo it may see through a process it sees can be attached elsewhere.
    const shown = await adminPhoto();
    await lead({ assignedTo: 'john', data: { photo: shown } });
    const again = await john.post(LEAD, { data: { first_name: 'Mine too', photo: shown } });
    assert.equal(again.status, 200, JSON.stringify(again.body._errors));
  });

  it("learns nothing of a photo it may not see by uploading with that photo's id", async () => {
    const id = await adminPhoto();
    const same = await upload(server.url, acme.tokens.user, png(2, 2), { id });
    assertError(same, 409, 'CONFLICT');
    assert.deepEqual(same.body._data, []);
    assertError(await upload(server.url, acme.tokens.user, png(3, 3), { id }), 409, 'CONFLICT');
    assert.equal((await upload(server.url, acme.tokens.admin, png(2, 2), { id })).status, 200, 'the uploader keeps its idempotent retry');
  });

  it("never shows another team's photo, whatever refers to it", async () => {
    const globex = await seedTeam(server.runtime, 'globex');
    const theirs = await uploadPhoto(server.url, globex.tokens.admin);
    await createProcess(client(server.url, globex.tokens.admin), LEAD, { assignedTo: 'john', data: { first_name: 'Other', photo: theirs } });
    assertError(await john.get(photoPath(theirs)), 404, 'NOT_FOUND');
  });
});
