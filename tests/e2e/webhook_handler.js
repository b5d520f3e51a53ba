// The reference's "Processing Webhook Events" handler, run as the hotel's
// endpoint for the end-to-end tests. Node has no Express here, so a few
// lines below give the same `app.post(path, (req, res) => ...)` surface;
// the handler itself is the reference's, verbatim. Before it runs, every
// POST's X-Webhook-Signature is checked with Node's own crypto (HMAC-SHA256
// over "<X-Webhook-Timestamp>.<raw body>").
//
//   node webhook_handler.js LOG_FILE     prints "listening PORT"
//   POST /_secret  {"secret": "whsec_..."}  the secret to verify with
//
// Each handled event is appended to LOG_FILE as one JSON line.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const logFile = process.argv[2];
let secret = '';
const routes = {};
const app = { post: (path, handler) => { routes[path] = handler; } };
let current = null;  // the request being handled, for the record

function record(kind, fields) {
  fs.appendFileSync(logFile, JSON.stringify({
    handled_as: kind, ...fields,
    event: current.event, event_id: current.eventId, signature_ok: current.signatureOk,
  }) + '\n');
}

function signatureOk(headers, raw) {
  const signed = Buffer.concat([Buffer.from(`${headers['x-webhook-timestamp']}.`), raw]);
  const expected = crypto.createHmac('sha256', secret).update(signed).digest();
  return (headers['x-webhook-signature'] || '').split(',').some((part) => {
    const hex = part.trim().replace(/^sha256=/, '');
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}

// The reference's helpers, recording what they were given.
function handleInboundMessage(messageData) {
  const { guest_phone, message_content, conversation_id } = messageData;
  record('inbound_message', { guest_phone, message_content, conversation_id,
                              message_id: messageData.message_id });
}
function updateMessageStatus(messageId, status) { record('status', { message_id: messageId, status }); }
function handleMessageFailure(data) { record('failure', { message_id: data.message_id, data }); }
function processInboundMedia(data) { record('media', { data }); }

// ---- The reference's handler, verbatim ----
// Example webhook event handler
app.post('/webhooks/whatsapp', (req, res) => {
const event = req.body;
switch(event.event) {
case 'inbound_message':
handleInboundMessage(event.data);
break;
case 'message_delivered':
updateMessageStatus(event.data.message_id, 'delivered');
break;
case 'message_read':
updateMessageStatus(event.data.message_id, 'read');
break;
case 'message_failed':
handleMessageFailure(event.data);
break;
case 'media_received':
processInboundMedia(event.data);
break;
}
res.status(200).send('OK');
});
// ---- end of the reference's handler ----

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    if (req.method === 'POST' && req.url === '/_secret') {
      secret = JSON.parse(raw.toString()).secret;
      res.end('OK');
      return;
    }
    const handler = req.method === 'POST' ? routes[req.url] : undefined;
    if (!handler) {  // like Express: no GET route, so verification fails with 404
      res.statusCode = 404;
      res.end('Not Found');
      return;
    }
    const ok = signatureOk(req.headers, raw);
    if (!ok) {  // an unsigned or forged event is refused
      fs.appendFileSync(logFile, JSON.stringify({ handled_as: 'rejected', event_id: req.headers['x-webhook-event-id'] }) + '\n');
      res.statusCode = 401;
      res.end('bad signature');
      return;
    }
    current = { event: req.headers['x-webhook-event'], eventId: req.headers['x-webhook-event-id'], signatureOk: ok };
    const expressRes = {
      status(code) { res.statusCode = code; return this; },
      send(body) { res.end(body); },
    };
    handler({ body: JSON.parse(raw.toString()), headers: req.headers }, expressRes);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
