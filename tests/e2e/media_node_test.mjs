#!/usr/bin/env node
// The reference's "Rich Media Messaging" with Node's own fetch, FormData and
// Blob (no libraries): the upload form as the reference builds it, the media
// sends, and the downloaded bytes. Needs WA_HTTP_ADDR, WA_STAFF_TOKEN, WA_ADMIN_TOKEN.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

const base = `http://${process.env.WA_HTTP_ADDR}`;
const staffToken = process.env.WA_STAFF_TOKEN;
assert.ok(process.env.WA_HTTP_ADDR && staffToken, 'run through tests/e2e/run');

// A JPEG as libmagic knows it: SOI, a JFIF APP0 segment, padding, EOI.
function jpeg(size) {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00,
                            0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const body = Buffer.alloc(size - head.length - 2, 0x55);
  return Buffer.concat([head, body, Buffer.from([0xff, 0xd9])]);
}

function pdf(size) {
  const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%');
  const tail = Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 0x78), tail]);
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
let checks = 0;
function check(what, fn) {
  fn();
  checks += 1;
  console.log(`    ok   ${what}`);
}

async function upload(bytes, name, mediaType) {
  const fileBlob = new Blob([bytes], { type: 'application/octet-stream' });
  // The reference's form, verbatim.
  const formData = new FormData();
  formData.append('media', fileBlob, name);
  formData.append('media_type', mediaType);
  return fetch(`${base}/api/v1/whatsapp/media/upload`, {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${staffToken}` },
    body: formData,
  });
}

async function sendMedia(body) {
  return fetch(`${base}/api/v1/whatsapp/messages/send-media`, {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${staffToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

// The guest writes first (sandbox), so that the window is open.
const inbound = await fetch(`${base}/api/v1/whatsapp/sandbox/inbound`, {
  method: 'POST',
  headers: { 'Authorization': `Bearer ${process.env.WA_ADMIN_TOKEN}`,
             'Content-Type': 'application/json' },
  body: JSON.stringify({ guest_phone: '+1234567890', text: 'Is my key ready?',
                         conversation_id: 'conv_abc123' }),
});
assert.equal(inbound.status, 200, await inbound.text());

const image = jpeg(48213);
const mediaUpload = await upload(image, 'room_key_info.jpg', 'image');
const uploaded = await mediaUpload.json();
check('FormData upload answers 200 with media_id and media_url', () => {
  assert.equal(mediaUpload.status, 200, JSON.stringify(uploaded));
  assert.match(uploaded.media_id, /^med_/);
  assert.equal(uploaded.media_url, `/api/v1/whatsapp/media/${uploaded.media_id}/content`);
  assert.equal(uploaded.mime_type, 'image/jpeg');
  assert.equal(uploaded.filename, 'room_key_info.jpg');
});
const { media_id, media_url } = uploaded;

const download = await fetch(`${base}${media_url}`, {
  headers: { 'Authorization': `Bearer ${staffToken}` },
});
const downloaded = Buffer.from(await download.arrayBuffer());
check('media_url streams the same bytes with their type', () => {
  assert.equal(download.status, 200);
  assert.equal(download.headers.get('content-type'), 'image/jpeg');
  assert.equal(sha256(downloaded), sha256(image));
});

const again = await (await upload(image, 'copy.jpg', 'image')).json();
check('the same bytes uploaded twice are stored once', () => {
  assert.equal(again.sha256, uploaded.sha256);
  assert.equal(again.media_id, media_id);
});

const imageMessage = await sendMedia({
  guest_phone: '+1234567890',
  media_id: media_id,
  media_type: 'image',
  caption: 'Here is your digital room key information. Tap your phone on the door reader to access your room.',
  conversation_id: 'conv_abc123',
});
const imageSent = await imageMessage.json();
check("the reference's image send is queued", () => {
  assert.equal(imageMessage.status, 200, JSON.stringify(imageSent));
  assert.equal(imageSent.status, 'queued');
});

const documentMessage = await sendMedia({
  guest_phone: '+1234567890',
  media_id: 'doc_media_789',
  media_type: 'document',
  filename: 'hotel_amenities_guide.pdf',
  caption: 'Complete guide to all hotel amenities and services',
});
const refused = await documentMessage.json();
check("the reference's doc_media_789 was never uploaded here: 404 MEDIA_NOT_FOUND", () => {
  assert.equal(documentMessage.status, 404);
  assert.equal(refused.error.code, 'MEDIA_NOT_FOUND');
});

const guide = await (await upload(pdf(200000), 'hotel_amenities_guide.pdf', 'document')).json();
const guideMessage = await sendMedia({
  guest_phone: '+1234567890',
  media_id: guide.media_id,
  media_type: 'document',
  filename: 'hotel_amenities_guide.pdf',
  caption: 'Complete guide to all hotel amenities and services',
});
check('the same document send with an uploaded PDF is queued', () => {
  assert.equal(guide.mime_type, 'application/pdf');
  assert.equal(guideMessage.status, 200);
});

const liar = await upload(pdf(5000), 'photo.jpg', 'image');
const liarBody = await liar.json();
check('a PDF named photo.jpg and declared an image: 422 MEDIA_UPLOAD_FAILED', () => {
  assert.equal(liar.status, 422);
  assert.equal(liarBody.error.code, 'MEDIA_UPLOAD_FAILED');
});

console.log(`  all ${checks} checks passed`);
