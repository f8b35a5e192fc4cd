import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { call } from '../../support/http.ts';

describe('Photos in the OpenAPI document', () => {
  let server: TestServer;
  let doc: any;
  before(async () => {
    server = await startTestServer();
    doc = (await call(server.url, 'GET', '/openapi.json')).body;
  });
  after(() => server.close());

  for (const [path, summary] of [['/v1/ext/photo', 'Upload Photo API'], ['/v1/ext/photo/{photoId}', 'Upload Photo API With Id']] as const) {
    it(`documents ${summary} with its multipart body`, () => {
      const operation = doc.paths[path]?.post;
      assert.ok(operation, `POST ${path} is listed`);
      assert.equal(operation.summary, summary);
      const body = operation.requestBody?.content?.['multipart/form-data']?.schema;
      assert.ok(body, 'multipart/form-data request body');
      assert.deepEqual(body.required, ['photo']);
      assert.equal(body.properties.photo.format, 'binary');
      assert.ok(body.properties.filename && body.properties.filetype);
      assert.equal(operation.requestBody.content['application/json'], undefined);
      assert.ok(operation.responses['200'], 'the photo object is documented');
      assert.notDeepEqual(operation.security, [], 'needs a bearer token');
    });
  }

  it('documents Fetch Photo with the url field', () => {
    const operation = doc.paths['/v1/ext/photo/{photoId}']?.get;
    assert.equal(operation?.summary, 'Fetch Photo API');
    const data = operation.responses['200'].content['application/json'].schema.properties._data;
    assert.ok(data.properties.url && data.properties.sha256 && data.properties.mimeType);
  });

  it('lists the signed download link as needing no token', () => {
    const operation = doc.paths['/v1/ext/photo/{photoId}/download']?.get;
    assert.ok(operation, 'download route is listed');
    assert.deepEqual(operation.security, []);
    const names = operation.parameters.map((p: any) => `${p.in}:${p.name}`).sort();
    assert.deepEqual(names, ['path:photoId', 'query:expires', 'query:signature']);
  });
});
