import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { startSandbox, type RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { createChatsRepo } from '../../../src/whatsapp/chats/chats.repo.ts';
import { newId } from '../../../src/shared/ids.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';
import { PHONE_NUMBER_ID, WABA_ID } from '../../support/sandbox.ts';

const BETA_WABA_ID = '202290129340399';
const BETA_PHONE_NUMBER_ID = '206540352242923';
/** The customers: P1 and P2 share a run of digits; beta's team also writes to P1. */
const P1 = '919900000001';
const P2 = '919900000002';
const P3 = '14155550123';
const P4 = '447700900123';
const MINUTE = 60_000;

describe('Chats and chat messages (API.md §8.5)', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  let alpha: SeededTeam;
  let beta: SeededTeam;
  let alphaPlugin: string;
  let betaPlugin: string;
  let q: Kysely<any>;
  let now = Date.UTC(2026, 0, 5, 9, 0, 0);
  const chatIds = new Map<string, string>();
  let betaChatId: string;

  const api = (token: string) => client(server.url, token);
  const listChats = (body?: unknown, token = alpha.tokens.admin) => api(token).post('/v1/ext/chat', body);
  const chatMessages = (chatId: string, body?: unknown, token = alpha.tokens.admin) => api(token).post(`/v1/ext/chat/${encodeURIComponent(chatId)}/message`, body);
  const phoneMessages = (body: unknown, token = alpha.tokens.admin) => api(token).post('/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', body);
  const phones = (res: { body: { _data: { contact: { phone: string } }[] } }) => res.body._data.map((chat) => chat.contact.phone);
  const tick = () => {
    now += MINUTE;
  };

  async function sendText(token: string, pluginId: string, phoneNumberId: string, to: string, text: string): Promise<void> {
    const body = { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: text } };
    const res = await api(token).post(`/v1/ext/plugin/whatsapp/${pluginId}/api/v21.0/${phoneNumberId}/messages`, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    tick();
  }

  async function sendTemplate(to: string): Promise<void> {
    const res = await api(alpha.tokens.admin).post(`/v1/ext/plugin/whatsapp/${alphaPlugin}/phoneNumber/${to}/send-template-message`, {
      whatsappPhoneNumberId: PHONE_NUMBER_ID, templateName: 'hello_world',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    tick();
  }

  /**
   * A customer's message, written through chats.repo as inbound processing writes it (the
   * inbound module is not ready yet): the contact's name comes with it.
   */
  async function receive(phone: string, name: string, text: string): Promise<void> {
    await server.runtime.db.transaction(async (tx) => {
      const repo = createChatsRepo(tx);
      const contact = await repo.contactFor(alpha.teamId, phone, name, now);
      const chat = await repo.chatFor(alpha.teamId, alphaPlugin, PHONE_NUMBER_ID, contact.id, now);
      await repo.insertMessage({
        id: newId(), team_id: alpha.teamId, plugin_id: alphaPlugin, chat_id: chat.id, contact_id: contact.id, external_id: `wamid.in-${newId()}`,
        direction: 'INBOUND', data_type: 'text', body: JSON.stringify({ type: 'text', text: { body: text } }), text, attachments: '[]',
        delivery_status: 'DELIVERED', delivery_error: null, timestamp: now, context: '{}', source: JSON.stringify({ sourceId: null, sourceType: 'WHATSAPP' }),
        user_id: null, procedure_id: null, process_id: null, in_reply_to: null, created_at: now, updated_at: now,
      });
    });
    tick();
  }

  const tableCounts = async () => Promise.all(['whatsapp_contacts', 'whatsapp_chats', 'whatsapp_messages'].map(async (table) =>
    Number((await q.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));

  before(async () => {
    const account = (wabaId: string, phoneId: string) => ({
      wabaId, accessToken: PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN, appSecret: PLUGIN_SECRETS.WHATSAPP_APP_SECRET,
      phoneNumbers: [{ id: phoneId, displayPhoneNumber: `1555${phoneId.slice(-7)}` }],
    });
    sandbox = await startSandbox({ host: '127.0.0.1', port: 0, accounts: [account(WABA_ID, PHONE_NUMBER_ID), account(BETA_WABA_ID, BETA_PHONE_NUMBER_ID)] });
    server = await startTestServer({ clock: () => now });
    q = server.runtime.db.kysely as unknown as Kysely<any>;
    alpha = await seedTeam(server.runtime, 'alpha');
    beta = await seedTeam(server.runtime, 'beta');
    alphaPlugin = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA_ID, phones: [PHONE_NUMBER_ID], graphApiUrl: sandbox.url }])).get(WABA_ID)!;
    betaPlugin = (await applyPlugins(server.runtime, 'beta', [{ wabaId: BETA_WABA_ID, phones: [BETA_PHONE_NUMBER_ID], graphApiUrl: sandbox.url }])).get(BETA_WABA_ID)!;

    await sendTemplate(P1);
    await sendText(alpha.tokens.user, alphaPlugin, PHONE_NUMBER_ID, `+${P2}`, 'Your visit is booked');
    await sendText(alpha.tokens.manager, alphaPlugin, PHONE_NUMBER_ID, P3, 'Hello from the shop');
    await sendTemplate(P1);
    await receive(P2, 'Asha Rao', 'Thanks!');
    await receive(P4, 'ASHOK Kumär', 'Is the 50% offer_still on?');
    await sendText(beta.tokens.admin, betaPlugin, BETA_PHONE_NUMBER_ID, P1, 'Hello from beta');

    for (const chat of (await listChats({ limit: 100 })).body._data) chatIds.set(chat.contact.phone, chat.id);
    betaChatId = (await listChats({}, beta.tokens.admin)).body._data[0].id;
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it("lists the team's chats, most recent message first, each with its contact and newest message", async () => {
    const res = await listChats();
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body._errors, undefined);
    assert.deepEqual(phones(res), [P4, P2, P1, P3]);
    assert.deepEqual(res.body._meta, { total: 4, page: 1, limit: 20, hasMore: false });
    const chat = res.body._data.find((c: any) => c.contact.phone === P1);
    assert.equal(chat.status, 'OPEN');
    assert.equal(chat.provider, 'whatsapp');
    assert.equal(chat.team, alpha.teamId);
    assert.equal(chat.plugin, alphaPlugin);
    assert.equal(chat.whatsappPhoneNumberId, PHONE_NUMBER_ID);
    assert.deepEqual(Object.keys(chat.contact).sort(), ['id', 'name', 'phone']);
    assert.equal(chat.contact.name, null);
    assert.equal(chat.createdAt, Date.UTC(2026, 0, 5, 9, 0, 0));
    assert.equal(chat.lastMessageAt, Date.UTC(2026, 0, 5, 9, 3, 0));
    assert.equal(chat.lastMessage.chat, chat.id);
    assert.equal(chat.lastMessage.dataType, 'template');
    assert.equal(chat.lastMessage.direction, 'OUTBOUND');
    assert.match(chat.lastMessage.externalId, /^wamid\./);
    assert.match(chat.lastMessage.text, /^Welcome and congratulations/);
    assert.equal(chat.lastMessage.createdAt, chat.lastMessageAt);
    const asha = res.body._data.find((c: any) => c.contact.phone === P2);
    assert.equal(asha.contact.name, 'Asha Rao');
    assert.equal(asha.lastMessage.direction, 'INBOUND');
    assert.equal(asha.lastMessage.text, 'Thanks!');
    assert.ok(!res.body._data.some((c: any) => c.id === betaChatId), "another team's chat is never listed");
  });

  it('pages with limit and page (from 1), keeping the total, and orders by the allowed fields', async () => {
    const first = await listChats({ limit: 3, page: 1 });
    const second = await listChats({ limit: 3, page: 2 });
    const past = await listChats({ limit: 3, page: 3 });
    assert.deepEqual(phones(first), [P4, P2, P1]);
    assert.deepEqual(phones(second), [P3]);
    assert.deepEqual(past.body._data, []);
    for (const res of [first, second, past]) assert.equal(res.body._meta.total, 4);
    assert.deepEqual(first.body._meta, { total: 4, page: 1, limit: 3, hasMore: true });
    assert.deepEqual(second.body._meta, { total: 4, page: 2, limit: 3, hasMore: false });
    assert.deepEqual(phones(await listChats({ orderField: 'createdAt', orderDirection: 'asc' })), [P1, P2, P3, P4]);
    assert.deepEqual(phones(await listChats({ orderField: 'createdAt', orderDirection: 'DESC' })), [P4, P3, P2, P1]);
    assert.deepEqual(phones(await listChats({ orderField: 'lastMessageAt', orderDirection: 'asc' })), [P3, P1, P2, P4]);
    assert.deepEqual(phones(await listChats({ orderField: 'updatedAt' })), [P4, P2, P1, P3]);
  });

  it("searches the contact's name in any case, or digits of the phone", async () => {
    const search = async (text: string) => {
      const res = await listChats({ search: text });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body._meta.total, res.body._data.length);
      return phones(res);
    };
    assert.deepEqual(await search('ash'), [P4, P2]);
    assert.deepEqual(await search('RAO'), [P2]);
    assert.deepEqual(await search('  kumär '), [P4], 'ASCII letters in any case, others as written');
    assert.deepEqual(await search('+1 415-555'), [P3]);
    assert.deepEqual(await search('0000000'), [P2, P1]);
    assert.deepEqual(await search(P1), [P1]);
    assert.deepEqual(await search(''), [P4, P2, P1, P3]);
    assert.deepEqual(await search('%'), [], 'LIKE wildcards are plain characters');
    assert.deepEqual(await search('_'), []);
    assert.deepEqual(await search('nobody'), []);
    const paged = await listChats({ search: '0000000', limit: 1, page: 2 });
    assert.deepEqual(phones(paged), [P1]);
    assert.equal(paged.body._meta.total, 2);
  });

  it("lists a chat's messages newest first, with paging", async () => {
    const res = await chatMessages(chatIds.get(P1)!);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body._meta, { total: 2, page: 1, limit: 20, hasMore: false });
    assert.deepEqual(res.body._data.map((m: any) => m.createdAt), [Date.UTC(2026, 0, 5, 9, 3, 0), Date.UTC(2026, 0, 5, 9, 0, 0)]);
    for (const message of res.body._data) {
      assert.equal(message.chat, chatIds.get(P1));
      assert.equal(message.team, alpha.teamId);
      assert.equal(message.provider, 'whatsapp');
      assert.equal(message.dataType, 'template');
      assert.deepEqual(message.context, { contactIdentifier: P1, messageTemplateId: message.context.messageTemplateId });
      assert.ok(sandbox.sent().some((sent) => sent.id === message.externalId), 'the message Meta was sent');
    }
    const older = await chatMessages(chatIds.get(P1)!, { limit: 1, page: 2 });
    assert.deepEqual(older.body._data.map((m: any) => m.id), [res.body._data[1].id]);
    assert.deepEqual(older.body._meta, { total: 2, page: 2, limit: 1, hasMore: false });
    const both = await chatMessages(chatIds.get(P2)!);
    assert.deepEqual(both.body._data.map((m: any) => [m.direction, m.text]), [['INBOUND', 'Thanks!'], ['OUTBOUND', 'Your visit is booked']]);
    assert.equal(both.body._data[1].user, alpha.userIds.john);
    assert.deepEqual((await chatMessages(chatIds.get(P1)!, { page: 9 })).body, { _data: [], _meta: { total: 2, page: 9, limit: 20, hasMore: false } });
  });

  it("answers 404 for another team's chat, an unknown one and a malformed id", async () => {
    for (const id of [betaChatId, newId(), 'not-a-uuid', `${chatIds.get(P1)!}x`]) {
      const res = await chatMessages(id);
      assert.equal(res.status, 404, id);
      assert.equal(res.body._meta.code, 'NOT_FOUND');
      assert.deepEqual(res.body._data, []);
    }
    const own = await chatMessages(betaChatId, {}, beta.tokens.user);
    assert.equal(own.status, 200);
    assert.deepEqual(own.body._data.map((m: any) => m.text), ['Hello from beta']);
  });

  it("lists one customer's messages across the team's chats, newest first, however the number is written", async () => {
    for (const customerPhoneNumber of [P1, `+${P1}`, '+91 99000-00001', '(91) 9900.000001', Number(P1)]) {
      const res = await phoneMessages({ customerPhoneNumber });
      assert.equal(res.status, 200, `${customerPhoneNumber}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body._meta, { total: 2, page: 1, limit: 20, hasMore: false });
      assert.deepEqual(res.body._data.map((m: any) => m.createdAt), [Date.UTC(2026, 0, 5, 9, 3, 0), Date.UTC(2026, 0, 5, 9, 0, 0)]);
      assert.ok(res.body._data.every((m: any) => m.team === alpha.teamId));
    }
    const paged = await phoneMessages({ customerPhoneNumber: P2, limit: 1, page: 2 });
    assert.deepEqual(paged.body._data.map((m: any) => m.text), ['Your visit is booked']);
    assert.equal(paged.body._meta.total, 2);
    const theirs = await phoneMessages({ customerPhoneNumber: P1 }, beta.tokens.admin);
    assert.deepEqual(theirs.body._data.map((m: any) => m.text), ['Hello from beta']);
    assert.deepEqual((await phoneMessages({ customerPhoneNumber: '4915112345678' })).body, { _data: [], _meta: { total: 0, page: 1, limit: 20, hasMore: false } });
  });

  it('refuses a phone number that is not 8 to 15 digits, naming the field', async () => {
    for (const customerPhoneNumber of ['1234567', '1'.repeat(16), '+91 abc 123', '', '   ', 12345]) {
      const res = await phoneMessages({ customerPhoneNumber });
      assert.equal(res.status, 400, JSON.stringify(customerPhoneNumber));
      assert.match(res.body._errors[0], /customerPhoneNumber: expected 8 to 15 digits/);
    }
    for (const body of [{}, { customerPhoneNumber: null }, { customerPhoneNumber: [P1] }, { customerPhoneNumber: 1.5 }]) {
      const res = await phoneMessages(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body._errors.join(' | '), /customerPhoneNumber/);
    }
  });

  it('lets every role type read every chat of its team, USER keys included', async () => {
    for (const token of [alpha.tokens.user, alpha.tokens.manager]) {
      const chats = await listChats({}, token);
      assert.equal(chats.status, 200);
      assert.deepEqual(phones(chats), [P4, P2, P1, P3]);
      assert.equal((await chatMessages(chatIds.get(P3)!, {}, token)).body._meta.total, 1);
      assert.equal((await phoneMessages({ customerPhoneNumber: P3 }, token)).body._meta.total, 1);
    }
    assert.equal((await call(server.url, 'POST', '/v1/ext/chat', { json: {} })).status, 401);
    assert.equal((await call(server.url, 'POST', '/v1/ext/chat', { json: {}, token: 'chk_not-a-real-token' })).status, 401);
  });

  it('answers an empty body like {}', async () => {
    const res = await call(server.url, 'POST', '/v1/ext/chat', { token: alpha.tokens.admin });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body._meta.total, 4);
    assert.equal((await call(server.url, 'POST', `/v1/ext/chat/${chatIds.get(P1)!}/message`, { token: alpha.tokens.admin })).body._meta.total, 2);
  });

  it('refuses bad bodies with a 400 naming the field, and changes nothing', async () => {
    const before = { rows: await tableCounts(), sent: sandbox.sent().length };
    const cases: [unknown, RegExp][] = [
      [{ limit: 10, colour: 'red' }, /colour: unknown field/],
      [{ limit: '10' }, /limit/],
      [{ limit: 0 }, /limit/],
      [{ limit: -5 }, /limit/],
      [{ limit: 101 }, /limit: must be <= 100/],
      [{ limit: 1e300 }, /limit/],
      [{ limit: 2.5 }, /limit/],
      [{ page: 0 }, /page/],
      [{ page: -1 }, /page/],
      [{ page: 1e12 }, /page/],
      [{ page: true }, /page/],
      [{ orderField: 'name' }, /orderField: expected one of "lastMessageAt", "createdAt", "updatedAt"/],
      [{ orderField: 'created_at' }, /orderField/],
      [{ orderDirection: 'up' }, /orderDirection: expected one of/],
      [{ search: 42 }, /search/],
      [{ search: 'x'.repeat(101) }, /search/],
      [[], /./],
      ['just a string', /./],
    ];
    for (const [body, message] of cases) {
      const res = await listChats(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body._errors.join(' | '), message, JSON.stringify(body));
    }
    for (const body of [{ limit: 101 }, { orderField: 'createdAt' }, { search: 'x' }, { page: 0 }]) {
      const res = await chatMessages(chatIds.get(P1)!, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    for (const body of [{ customerPhoneNumber: P1, limit: -1 }, { customerPhoneNumber: P1, search: 'x' }, { customerPhoneNumber: P1, page: '2' }]) {
      const res = await phoneMessages(body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const paths = ['/v1/ext/chat', `/v1/ext/chat/${chatIds.get(P1)!}/message`, '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number'];
    for (const path of paths) {
      const malformed = await call(server.url, 'POST', path, { token: alpha.tokens.admin, body: '{"limit": 5,', contentType: 'application/json' });
      assert.equal(malformed.status, 400, path);
      assert.equal(malformed.body._meta.code, 'BAD_REQUEST');
      const oversized = await call(server.url, 'POST', path, { token: alpha.tokens.admin, json: { search: 'x'.repeat(1.5 * 1024 * 1024) } });
      assert.equal(oversized.status, 413, path);
      assert.equal(oversized.body._meta.code, 'PAYLOAD_TOO_LARGE');
    }
    assert.deepEqual(await tableCounts(), before.rows);
    assert.equal(sandbox.sent().length, before.sent);
  });
});
