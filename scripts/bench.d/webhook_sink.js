// A fast webhook endpoint for scripts/bench-webhooks: checks each
// signature (Node's crypto), counts events by event_id and reports.
//   node webhook_sink.js PORT SECRET      prints "listening PORT"
//   GET /_stats -> {"posts", "unique", "duplicates", "bad_signatures",
//                   "first_at", "last_at"}   (ms since the epoch)
'use strict';
const http = require('http');
const crypto = require('crypto');
const [port, secret] = [Number(process.argv[2] || 0), process.argv[3] || ''];
const seen = new Set();
const stats = { posts: 0, unique: 0, duplicates: 0, bad_signatures: 0, first_at: 0, last_at: 0 };

function signed(headers, raw) {
  const mac = crypto.createHmac('sha256', secret)
    .update(`${headers['x-webhook-timestamp']}.`).update(raw).digest('hex');
  return (headers['x-webhook-signature'] || '').split(',').some((s) => s.trim() === `sha256=${mac}`);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/_stats') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(stats));
      return;
    }
    const raw = Buffer.concat(chunks);
    stats.posts++;
    if (!signed(req.headers, raw)) stats.bad_signatures++;
    const id = req.headers['x-webhook-event-id'];
    if (seen.has(id)) stats.duplicates++; else { seen.add(id); stats.unique++; }
    const now = Date.now();
    if (!stats.first_at) stats.first_at = now;
    stats.last_at = now;
    res.end('OK');
  });
});
server.keepAliveTimeout = 60000;
server.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
