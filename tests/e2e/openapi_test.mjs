#!/usr/bin/env node
// The OpenAPI description the server serves: linted by Redocly's CLI, and
// checked against what the gateway really answers (Ajv validates live
// responses, errors included, against the description's schemas).
// Needs WA_HTTP_ADDR, WA_STAFF_TOKEN and WA_ADMIN_TOKEN (tests/e2e/run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const here = dirname(fileURLToPath(import.meta.url));
const base = `http://${process.env.WA_HTTP_ADDR}`;
const staff = { Authorization: `Bearer ${process.env.WA_STAFF_TOKEN}` };
const admin = { Authorization: `Bearer ${process.env.WA_ADMIN_TOKEN}` };
let checks = 0;
const ok = (what) => { checks += 1; console.log(`    ok   ${what}`); };

const yamlAnswer = await fetch(`${base}/api/v1/whatsapp/openapi.yaml`);
const yamlText = await yamlAnswer.text();
assert.equal(yamlAnswer.status, 200);
assert.match(yamlText, /^openapi: 3\.0\.3/);
ok('GET /api/v1/whatsapp/openapi.yaml, without a token');

const dir = mkdtempSync(join(tmpdir(), 'wa-openapi-'));
writeFileSync(join(dir, 'openapi.yaml'), yamlText);
const lint = spawnSync(join(here, 'node_modules/.bin/redocly'),
                       ['lint', join(dir, 'openapi.yaml'), '--config', join(here, 'redocly.yaml')],
                       { encoding: 'utf8' });
assert.equal(lint.status, 0, lint.stdout + lint.stderr);
ok('redocly lint passes');

const spec = await (await fetch(`${base}/api/v1/whatsapp/openapi.json`)).json();
const ajv = new Ajv({ strict: false, validateFormats: false });
ajv.addSchema({ $id: 'spec.json', components: spec.components });

// What the document says, checked against what the server does.
assert.deepEqual(spec.servers, [{ url: '/' }], 'servers is relative');
assert.deepEqual(spec.tags.slice(0, 5).map((t) => t.name),
                 ['MessagesService', 'TemplatesService', 'MediaService', 'ConversationsService',
                  'WebhooksService']);
const firstOperation = Object.values(Object.values(spec.paths)[0])[0];
assert.equal(firstOperation.operationId, 'MessagesService_SendMessage', '/docs opens on sending');
assert.ok(firstOperation.description.includes('24-hour window'), 'proto comments describe it');
const sendRequest = spec.components.schemas.SendMessageRequest;
assert.deepEqual(sendRequest.required, ['content'], 'only proto-required fields are required');
assert.equal(sendRequest.additionalProperties, false, 'unknown fields are refused, as documented');
assert.deepEqual(sendRequest.properties.message_type.enum, ['text'], '/send takes only text');
const audit = spec.paths['/api/v1/whatsapp/admin/audit'].get.responses;
assert.ok(!JSON.stringify(audit).includes('MESSAGE_WINDOW_EXPIRED'), 'errors are per operation');
assert.ok(JSON.stringify(spec.paths['/api/v1/whatsapp/messages/send'].post.responses['403'])
  .includes('MESSAGE_WINDOW_EXPIRED'));
ok('servers, tags, order, descriptions, required fields, enums and errors tell the truth');

// The reference's requests are the document's examples, and each matches
// the request schema (a generated client sends them unchanged).
const local = (schema) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components',
                                                                       '"spec.json#/components'));
let examples = 0;
for (const [path, operations] of Object.entries(spec.paths)) {
  for (const [method, operation] of Object.entries(operations)) {
    const content = operation.requestBody?.content?.['application/json'];
    for (const [name, example] of Object.entries(content?.examples ?? {})) {
      const validate = ajv.compile(local(content.schema));
      assert.ok(validate(example.value), `${method} ${path} example ${name}: ` +
                JSON.stringify(validate.errors));
      examples += 1;
    }
  }
}
assert.ok(examples >= 11, `${examples} reference examples in the document`);
ok(`${examples} reference examples validate against their request schemas`);

// The schema the description gives for `method path` answering `status`.
function responseSchema(method, path, status) {
  const operation = spec.paths[path]?.[method];
  assert.ok(operation, `the description has ${method.toUpperCase()} ${path}`);
  let response = operation.responses[String(status)];
  assert.ok(response, `${method} ${path} documents ${status}`);
  if (response.$ref) response = spec.components.responses[response.$ref.split('/').pop()];
  const ref = response.content['application/json'].schema.$ref;
  return ajv.getSchema(`spec.json${ref}`) ?? ajv.compile({ $ref: `spec.json${ref}` });
}

async function call(method, path, template, { headers = staff, body, status = 200 } = {}) {
  const answer = await fetch(`${base}${path}`, {
    method: method.toUpperCase(),
    headers: body ? { ...headers, 'Content-Type': 'application/json' } : headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await answer.json();
  assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(json)}`);
  const validate = responseSchema(method, template, status);
  assert.ok(validate(json), `${method} ${path} (${status}) does not match the description: ` +
            JSON.stringify(validate.errors) + ' in ' + JSON.stringify(json).slice(0, 400));
  ok(`${method.toUpperCase()} ${template} (${status}) matches the description`);
  return json;
}

const api = '/api/v1/whatsapp';
const guest = '+15550009001';
const inbound = await call('post', `${api}/sandbox/inbound`, `${api}/sandbox/inbound`,
                           { headers: admin, body: { guest_phone: guest, text: 'Hello' } });
const conv = inbound.conversation_id;
const sent = await call('post', `${api}/messages/send`, `${api}/messages/send`, {
  body: { guest_phone: guest, message_type: 'text', content: { text: 'Welcome!' } } });
await call('get', `${api}/messages/${sent.message_id}/status`,
           `${api}/messages/{message_id}/status`);
await call('get', `${api}/conversations/${conv}`, `${api}/conversations/{conversation_id}`);
await call('get', `${api}/conversations?guest_phone=%2B15550009001`, `${api}/conversations`);
await call('get', `${api}/conversations/${conv}/window-status`,
           `${api}/conversations/{conversation_id}/window-status`);
await call('get', `${api}/conversations/${conv}/analytics`,
           `${api}/conversations/{conversation_id}/analytics`);
await call('get', `${api}/analytics`, `${api}/analytics`);
await call('get', `${api}/templates?language=en`, `${api}/templates`);
await call('get', `${api}/templates/welcome_checkin`, `${api}/templates/{name}`);
const property = await call('get', `${api}/property`, `${api}/property`);
assert.ok(Array.isArray(property.phone_numbers), JSON.stringify(property));
await call('post', `${api}/conversations/${conv}/resolve`,
           `${api}/conversations/{conversation_id}/resolve`,
           { body: { resolution_notes: 'done', satisfaction_rating: 4 } });
// Errors carry the documented error body.
await call('get', `${api}/conversations/conv_nope`, `${api}/conversations/{conversation_id}`,
           { status: 404 });
await call('post', `${api}/messages/send`, `${api}/messages/send`,
           { body: { guest_phone: 'not a phone', content: { text: 'x' } }, status: 400 });
await call('get', `${api}/templates/welcome_checkin`, `${api}/templates/{name}`,
           { headers: {}, status: 401 });
// A guest's data (README, "Guest data"): the retention calls match the
// description; the export (a streamed document) matches its own schema,
// docs/guest-export.schema.json, with Ajv checking formats too.
await call('get', `${api}/property`, `${api}/property`);
await call('patch', `${api}/property/retention`, `${api}/property/retention`,
           { headers: admin, body: { media_days: 60 } });
await call('patch', `${api}/property/retention`, `${api}/property/retention`,
           { headers: admin, body: { media_days: -1 }, status: 400 });
const exportSchema = JSON.parse(
  readFileSync(join(here, '../../docs/guest-export.schema.json'), 'utf8'));
const strict = new Ajv({ strict: true, allErrors: true });
strict.addFormat('date-time', (t) => !Number.isNaN(Date.parse(t)) && /Z$/.test(t));
const validExport = strict.compile(exportSchema);
const exportAnswer = await fetch(`${base}${api}/guests/%2B15550009001/export`, { headers: admin });
assert.equal(exportAnswer.status, 200);
const exported = await exportAnswer.json();
assert.ok(validExport(exported), JSON.stringify(validExport.errors));
assert.ok(exported.conversations[0].messages.some((m) => m.text === 'Welcome!'));
ok('GET /guests/{guest_phone}/export matches docs/guest-export.schema.json');
const other = '+15550009002';
await call('post', `${api}/sandbox/inbound`, `${api}/sandbox/inbound`,
           { headers: admin, body: { guest_phone: other, text: 'Erase me' } });
const erased = await call('post', `${api}/guests/${encodeURIComponent(other)}/erase`,
                          `${api}/guests/{guest_phone}/erase`,
                          { headers: admin, body: { reason: 'e2e: GDPR art. 17' } });
assert.match(erased.guest_hash, /^erased:[0-9a-f]{64}$/);
await call('post', `${api}/guests/${encodeURIComponent(other)}/erase`,
           `${api}/guests/{guest_phone}/erase`, { headers: admin, body: {}, status: 400 });
const afterErase = await (await fetch(
  `${base}${api}/guests/${encodeURIComponent(other)}/export`, { headers: admin })).json();
assert.ok(validExport(afterErase), JSON.stringify(validExport.errors));
assert.deepEqual(afterErase.conversations, []);
ok('an erased guest exports as nothing');

// The documentation page, rendered by Redoc from this server's own copy.
const docs = await fetch(`${base}/docs`);
const page = await docs.text();
assert.equal(docs.status, 200);
assert.match(page, /<redoc spec-url="\/api\/v1\/whatsapp\/openapi.yaml">/);
const script = await fetch(`${base}/docs/redoc.standalone.js`);
assert.equal(script.status, 200, 'Redoc is served by wa-server, not a CDN');
assert.ok((await script.arrayBuffer()).byteLength > 100000);
ok('GET /docs and its Redoc script');

// Headless Chromium renders it: the operations appear in the page.
const chromium = ['chromium', 'chromium-browser'].find(
  (name) => spawnSync('which', [name]).status === 0);
if (chromium) {
  const rendered = spawnSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=15000',
    '--dump-dom', `${base}/docs`], { encoding: 'utf8', timeout: 60000 });
  assert.match(rendered.stdout, /SendTemplateMessage/, rendered.stderr.slice(-800));
  assert.match(rendered.stdout, /Hotel WhatsApp service/);
  ok(`${chromium} --headless renders /docs with the operations`);
} else {
  console.log('    skip headless Chromium: not installed (scripts/setup installs it)');
}
console.log(`  all ${checks} checks passed`);
