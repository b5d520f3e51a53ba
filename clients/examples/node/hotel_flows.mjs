#!/usr/bin/env node
// @ts-check
// The API reference's flows over REST with Node's own fetch, FormData and
// Blob (Node 18+, no packages): a guest writes (sandbox), staff answer with
// text, templates, media and interactive messages, follow the statuses,
// read and resolve the conversation, and configure the hotel's webhook.
//
//   WA_REST_URL=http://127.0.0.1:8080 WA_TOKEN=wat_... node hotel_flows.mjs
//
// WA_TOKEN must be an admin token (the sandbox's inbound message and the
// webhook configuration are admin operations; the rest works with staff).
// Optional: WA_GUEST_PHONE (default +1234567890), WA_WEBHOOK_URL (default the
// reference's https://your-hotel.com/webhooks/whatsapp).
//
// Request bodies are typed with the build's TypeScript types
// (build/clients/typescript/hotel-whatsapp.d.ts, generated from the OpenAPI
// document): `tsc -p clients/examples/node` checks them; node runs the file
// as it is.

/** @typedef {import('hotel-whatsapp').components['schemas']} Schemas */
const baseUrl = process.env.WA_REST_URL ?? 'http://127.0.0.1:8080';
const token = process.env.WA_TOKEN;
if (!token) {
  console.error('set WA_TOKEN (an admin token: wa-server tokens create --role=admin)');
  process.exit(2);
}
const guestPhone = process.env.WA_GUEST_PHONE ?? '+1234567890';
const webhookUrl = process.env.WA_WEBHOOK_URL ?? 'https://your-hotel.com/webhooks/whatsapp';
// A fresh conversation per run, so the example can be run again.
const conversationId = `conv_node_${Date.now().toString(36)}`;

// One call: JSON in, JSON out; an error answer throws with the contract's code.
async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined && !(body instanceof FormData)) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined || body instanceof FormData ? body : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) {
    const { code, message } = answer.error ?? {};
    throw new Error(`${method} ${path}: HTTP ${response.status} ${code}: ${message} ` +
                    `(X-Request-Id ${response.headers.get('x-request-id')})`);
  }
  return answer;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A tiny JPEG (JFIF header, padding, end marker): enough for the server's
// type detection. A real integration reads the file from disk.
function roomKeyJpeg() {
  const head = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01,
                0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  return new Uint8Array([...head, ...new Array(256).fill(0x55), 0xff, 0xd9]);
}

function amenitiesPdf() {
  return new TextEncoder().encode(
    '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
}

// Sandbox only: the guest writes first, which opens the 24-hour window.
async function guestWrites() {
  const inbound = await api('POST', '/api/v1/whatsapp/sandbox/inbound', {
    guest_phone: guestPhone, text: 'Hi! Is early check-in possible?', conversation_id: conversationId,
  });
  console.log('guest wrote:', inbound.message.message_id, 'in', inbound.conversation_id);
}

// "Basic Text Messaging"
async function sendText() {
  /** @type {Schemas['SendMessageRequest']} */
  const request = {
    guest_phone: guestPhone,
    message_type: 'text',
    content: { text: 'Welcome to Grand Plaza Hotel! How can we assist you today?' },
    conversation_id: conversationId,
    staff_member_id: 'staff_456',
  };
  /** @type {Schemas['SendMessageResponse']} */
  const { message_id, status } = await api('POST', '/api/v1/whatsapp/messages/send', request);
  console.log('text sent:', message_id, status);
  return message_id;
}

// "Template Messaging"
async function sendTemplates() {
  const welcome = await api('POST', '/api/v1/whatsapp/templates/send', {
    guest_phone: guestPhone,
    template_name: 'welcome_checkin',
    language: 'en',
    parameters: {
      guest_name: 'John Smith', hotel_name: 'Grand Plaza Hotel', room_number: '205',
      checkin_time: '3:00 PM', checkout_date: 'January 18, 2024',
    },
    conversation_metadata: { booking_reference: 'RB123456', guest_tier: 'gold_member' },
  });
  const service = await api('POST', '/api/v1/whatsapp/templates/send', {
    guest_phone: guestPhone,
    template_name: 'service_confirmation',
    language: 'en',
    parameters: {
      service_type: 'Spa Massage', appointment_time: 'Tomorrow at 2:00 PM',
      location: 'Wellness Center - Room 3', estimated_duration: '90 minutes',
    },
  });
  console.log('templates sent:', welcome.message_id, service.message_id);
}

// "Rich Media Messaging": upload, then send by media_id.
async function sendMedia() {
  const formData = new FormData();
  formData.append('media', new Blob([roomKeyJpeg()]), 'room_key_info.jpg');
  formData.append('media_type', 'image');
  const { media_id, media_url } = await api('POST', '/api/v1/whatsapp/media/upload', formData);
  const image = await api('POST', '/api/v1/whatsapp/messages/send-media', {
    guest_phone: guestPhone,
    media_id,
    media_type: 'image',
    caption: 'Here is your digital room key information. Tap your phone on the door reader to access your room.',
    conversation_id: conversationId,
  });

  const docForm = new FormData();
  docForm.append('media', new Blob([amenitiesPdf()]), 'hotel_amenities_guide.pdf');
  docForm.append('media_type', 'document');
  const doc = await api('POST', '/api/v1/whatsapp/media/upload', docForm);
  const document = await api('POST', '/api/v1/whatsapp/messages/send-media', {
    guest_phone: guestPhone,
    media_id: doc.media_id,
    media_type: 'document',
    filename: 'hotel_amenities_guide.pdf',
    caption: 'Complete guide to all hotel amenities and services',
  });
  console.log('media sent:', image.message_id, `(${media_url})`, document.message_id);
}

// "Interactive Messaging": reply buttons, then a list.
async function sendInteractive() {
  const buttons = await api('POST', '/api/v1/whatsapp/messages/send-interactive', {
    guest_phone: guestPhone,
    interactive_type: 'buttons',
    content: {
      text: 'How would you like to extend your stay?',
      buttons: [
        { id: 'extend_1_night', title: '1 More Night' },
        { id: 'extend_2_nights', title: '2 More Nights' },
        { id: 'call_front_desk', title: 'Call Front Desk' },
      ],
    },
  });
  const list = await api('POST', '/api/v1/whatsapp/messages/send-interactive', {
    guest_phone: guestPhone,
    interactive_type: 'list',
    content: {
      text: 'What service would you like to request?',
      button_text: 'View Services',
      sections: [
        { title: 'Room Services', rows: [
          { id: 'housekeeping', title: 'Housekeeping', description: 'Extra towels, cleaning' },
          { id: 'room_service', title: 'Room Service', description: 'Food and beverage delivery' },
          { id: 'maintenance', title: 'Maintenance', description: 'Technical issues' },
        ] },
        { title: 'Guest Services', rows: [
          { id: 'concierge', title: 'Concierge', description: 'Local recommendations, bookings' },
          { id: 'transportation', title: 'Transportation', description: 'Taxi, shuttle service' },
        ] },
      ],
    },
  });
  console.log('interactive sent:', buttons.message_id, list.message_id);
}

// "Message Status Tracking": poll until the message is delivered (or read).
async function followStatus(messageId) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { status, sent_at, delivered_at, read_at, failure_reason } =
        await api('GET', `/api/v1/whatsapp/messages/${messageId}/status`);
    if (status === 'failed') throw new Error(`message ${messageId} failed: ${failure_reason}`);
    if (status === 'delivered' || status === 'read') {
      console.log('status:', messageId, status, { sent_at, delivered_at, read_at });
      return;
    }
    await sleep(200);
  }
  throw new Error(`message ${messageId} was not delivered in 20 s`);
}

// "Conversation Management" and the window check.
async function readConversation() {
  const conversation = await api('GET', `/api/v1/whatsapp/conversations/${conversationId}`);
  const { conversations } = await api('GET',
      `/api/v1/whatsapp/conversations?guest_phone=${encodeURIComponent(guestPhone)}&status=active`);
  const { within_window, hours_remaining } =
      await api('GET', `/api/v1/whatsapp/conversations/${conversationId}/window-status`);
  const analytics = await api('GET', `/api/v1/whatsapp/conversations/${conversationId}/analytics`);
  console.log('conversation:', conversation.conversation_id, conversation.status,
              `${conversation.messages.length} messages;`, `${conversations.length} active;`,
              `window open: ${within_window} (${hours_remaining} h);`,
              `delivery rate ${analytics.delivery_rates.delivery_rate}`);
}

async function resolveConversation() {
  const resolved = await api('POST', `/api/v1/whatsapp/conversations/${conversationId}/resolve`, {
    resolution_notes: 'Guest room service request completed successfully',
    satisfaction_rating: 5,
    follow_up_required: false,
  });
  console.log('resolved:', resolved.conversation_id, resolved.status);
}

// "Webhook Configuration" (admin). The signing secret is shown once: keep it.
async function configureWebhook() {
  const configured = await api('POST', '/api/v1/whatsapp/webhooks/configure', {
    webhook_url: webhookUrl,
    events: ['message_delivered', 'message_read', 'message_failed', 'inbound_message',
             'media_received'],
    verify_token: 'your_verification_token',
    retry_config: { max_retries: 3, retry_delay: 5000 },
  });
  const config = await api('GET', '/api/v1/whatsapp/webhooks/config');
  console.log('webhook:', config.webhook_url, `verified: ${configured.verified}`,
              `secret received: ${configured.signing_secret.startsWith('whsec_')}`);
}

await guestWrites();
const textId = await sendText();
await sendTemplates();
await sendMedia();
await sendInteractive();
await followStatus(textId);
await readConversation();
await resolveConversation();
await configureWebhook();
console.log('all flows done');
