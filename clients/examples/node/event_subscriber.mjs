#!/usr/bin/env node
// Follows a property's events live over Server-Sent Events with Node's own
// fetch (Node 18+, no packages, no browser): GET /api/v1/whatsapp/events/stream
// answers text/event-stream; each event is `id: <cursor>`, `event: <kind>`
// and `data: <the event as JSON>`. When the connection drops it reconnects
// with Last-Event-ID set to the last id seen (keep-alives carry one too),
// so every event arrives exactly once and in order across reconnects.
//
//   WA_REST_URL=http://127.0.0.1:8080 WA_TOKEN=wat_... node event_subscriber.mjs
//
// Prints one JSON object per event. WA_TOKEN is a staff or admin token; it
// sees its own property's events only. Optional: WA_EVENTS (kinds,
// comma-separated), WA_CONVERSATION_ID, WA_AFTER_CURSOR (resume after it;
// default: the live end), WA_MAX_EVENTS (exit after that many events),
// WA_DROP_EVERY (close the connection after every N events and resume).
const baseUrl = process.env.WA_REST_URL ?? 'http://127.0.0.1:8080';
const token = process.env.WA_TOKEN;
if (!token) {
  console.error('set WA_TOKEN (wa-server tokens create --role=staff)');
  process.exit(2);
}
const maxEvents = Number(process.env.WA_MAX_EVENTS ?? 0);
const dropEvery = Number(process.env.WA_DROP_EVERY ?? 0);

function streamUrl() {
  const url = new URL('/api/v1/whatsapp/events/stream', baseUrl);
  if (process.env.WA_EVENTS) url.searchParams.set('events', process.env.WA_EVENTS);
  if (process.env.WA_CONVERSATION_ID) {
    url.searchParams.set('conversation_id', process.env.WA_CONVERSATION_ID);
  }
  return url;
}

// Splits the body into SSE blocks (separated by a blank line) and yields
// {id, event, data} for each; comment lines (keep-alives) only set the id.
async function* sseBlocks(body) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = { id: undefined, event: undefined, data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'data') fields.data += value;
        else if (name === 'id' || name === 'event') fields[name] = value;
      }
      yield fields;
    }
  }
}

async function follow() {
  let lastId = process.env.WA_AFTER_CURSOR;
  let seen = 0;
  for (;;) {
    const headers = { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' };
    if (lastId !== undefined) headers['Last-Event-ID'] = lastId;
    const controller = new AbortController();
    let response;
    try {
      response = await fetch(streamUrl(), { headers, signal: controller.signal });
    } catch (error) {
      console.error(`connect failed (${error.message}); retrying`);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (!response.ok) {
      const answer = await response.json();
      throw new Error(`HTTP ${response.status} ${answer.error?.code}: ${answer.error?.message}`);
    }
    let sinceConnect = 0;
    try {
      for await (const { id, event, data } of sseBlocks(response.body)) {
        if (id !== undefined) lastId = id;
        if (event === 'error') {
          console.error(`stream ended: ${data}; resuming after ${lastId}`);
          break;
        }
        if (!event) continue;
        const e = JSON.parse(data);
        console.log(JSON.stringify({ cursor: e.cursor, event: e.event, event_id: e.event_id,
                                     conversation_id: e.conversation_id, data: e.data }));
        seen += 1;
        sinceConnect += 1;
        if (maxEvents && seen >= maxEvents) process.exit(0);  // the open request would hold the loop
        if (dropEvery && sinceConnect >= dropEvery) {
          console.error(`dropping the connection after cursor ${lastId}`);
          controller.abort();
          break;
        }
      }
    } catch (error) {
      if (error.name !== 'AbortError') console.error(`connection lost (${error.message})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

await follow();
