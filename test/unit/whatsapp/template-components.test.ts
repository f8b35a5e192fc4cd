import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildComponents, type MetaTemplate, type TemplateValues } from '../../../src/whatsapp/templates/template-components.ts';

const none: TemplateValues = { mapping: [], headerMapping: [], buttonMapping: [] };
const map = (entries: Record<string, string>) => Object.entries(entries).map(([schemaPropertyName, schemaPropertyValue]) => ({ schemaPropertyName, schemaPropertyValue }));

const promo: MetaTemplate = {
  name: 'christmas_promo', language: 'en_US', category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hi {{1}}, {{2}} off until {{3}}. {{1}}, do not miss it.' },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop' }, { type: 'URL', text: 'Shop', url: 'https://shop.example/{{1}}' }, { type: 'COPY_CODE', text: 'Copy' }] },
  ],
};

describe('template components from ChakraHQ fields (API.md §8.1)', () => {
  it('fills positional body placeholders in order, a media header, a URL and a copy-code button', () => {
    const { components, problems } = buildComponents(promo, {
      ...none, mapping: map({ 3: 'Sunday', 1: 'John', 2: '20%' }), imageUrl: 'https://cdn.example/x.png', buttonMapping: map({ 1: 'xmas', 2: 'SAVE20' }),
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(components, [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/x.png' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'John' }, { type: 'text', text: '20%' }, { type: 'text', text: 'Sunday' }] },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'xmas' }] },
      { type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE20' }] },
    ]);
  });

  it('names every missing and surplus value', () => {
    const { problems } = buildComponents(promo, { ...none, mapping: map({ 1: 'John', 4: 'x' }), videoUrl: 'https://cdn.example/v.mp4', headerMapping: map({ 1: 'a' }), otpCode: '1234' });
    assert.deepEqual(problems, [
      "videoUrl: template 'christmas_promo' has no video header",
      "headerMapping: template 'christmas_promo' has no text header with placeholders",
      "imageUrl: template 'christmas_promo' has an image header; give its URL",
      "mapping: template 'christmas_promo' has no body placeholder {{4}}",
      "mapping: no value for the body placeholder {{2}} of template 'christmas_promo'",
      "mapping: no value for the body placeholder {{3}} of template 'christmas_promo'",
      "buttonMapping: no value for button 1 ('Shop') of template 'christmas_promo'",
      "buttonMapping: no value for button 2 ('Copy') of template 'christmas_promo'",
      "otpCode: template 'christmas_promo' has no place for a code",
    ]);
  });

  it('gives named parameters their names, and a text header its own mapping', () => {
    const template: MetaTemplate = {
      name: 'order_update', language: 'en', parameter_format: 'NAMED',
      components: [{ type: 'HEADER', format: 'TEXT', text: 'Order {{order_id}}' }, { type: 'BODY', text: 'Dear {{first_name}}, order {{order_id}} ships today.' }],
    };
    const { components, problems } = buildComponents(template, { ...none, headerMapping: map({ order_id: 'A-17' }), mapping: map({ first_name: 'Asha', order_id: 'A-17' }) });
    assert.deepEqual(problems, []);
    assert.deepEqual(components, [
      { type: 'header', parameters: [{ type: 'text', parameter_name: 'order_id', text: 'A-17' }] },
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Asha' }, { type: 'text', parameter_name: 'order_id', text: 'A-17' }] },
    ]);
  });

  it('puts otpCode in an authentication template body and its OTP button', () => {
    const template: MetaTemplate = {
      name: 'login_otp', language: 'en_US', category: 'AUTHENTICATION',
      components: [{ type: 'BODY', text: '{{1}} is your verification code.' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] }],
    };
    const { components, problems } = buildComponents(template, { ...none, otpCode: '496093' });
    assert.deepEqual(problems, []);
    assert.deepEqual(components, [
      { type: 'body', parameters: [{ type: 'text', text: '496093' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '496093' }] },
    ]);
  });

  it('builds a location header, and a document header with its file name', () => {
    const located = buildComponents({ name: 'visit', language: 'en', components: [{ type: 'HEADER', format: 'LOCATION' }, { type: 'BODY', text: 'See you here' }] },
      { ...none, location: { latitude: 18.52, longitude: 73.85, name: 'Office' } });
    assert.deepEqual(located, { problems: [], components: [{ type: 'header', parameters: [{ type: 'location', location: { latitude: 18.52, longitude: 73.85, name: 'Office' } }] }] });
    const documented = buildComponents({ name: 'invoice', language: 'en', components: [{ type: 'HEADER', format: 'DOCUMENT' }] },
      { ...none, documentUrl: 'https://cdn.example/i.pdf', filename: 'invoice.pdf' });
    assert.deepEqual(documented.components, [{ type: 'header', parameters: [{ type: 'document', document: { link: 'https://cdn.example/i.pdf', filename: 'invoice.pdf' } }] }]);
    const missing = buildComponents({ name: 'visit', language: 'en', components: [{ type: 'HEADER', format: 'LOCATION' }] }, none);
    assert.deepEqual(missing.problems, ["locationLatitude: template 'visit' has a location header; give locationLatitude and locationLongitude"]);
  });
});
