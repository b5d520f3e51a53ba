#!/usr/bin/env bash
# REST surface with curl: the api-reference's own examples verbatim (same
# paths, bodies and query strings), then the error contract.
# Needs WA_HTTP_ADDR, WA_ADMIN_TOKEN, WA_STAFF_TOKEN, WA_OTHER_TOKEN (set by run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_env WA_HTTP_ADDR WA_ADMIN_TOKEN WA_STAFF_TOKEN WA_OTHER_TOKEN
make_tmp
trap cleanup EXIT

API=/api/v1/whatsapp
GUEST=+1234567890
CONV=conv_abc123
# A second guest whose only message is 30 hours old: outside the window.
LATE_GUEST=+1987654321
LATE_CONV=conv_rest_expired
SENT_ID=""

# The reference's "Basic Text Messaging" body, as JSON.stringify writes it.
REFERENCE_SEND_BODY='{"guest_phone":"+1234567890","message_type":"text","content":{"text":"Welcome to Grand Plaza Hotel! How can we assist you today?"},"conversation_id":"conv_abc123","staff_member_id":"staff_456"}'
WELCOME_TEXT='Welcome to Grand Plaza Hotel! How can we assist you today?'

assert_json_content_type() {
  assert_contains "$HTTP_CONTENT_TYPE" application/json "Content-Type is application/json"
}

test_guest_inbound_opens_conversation() {
  simulate_inbound "$WA_ADMIN_TOKEN" "$GUEST" Hi "$CONV"
  assert_status 200 "POST $API/sandbox/inbound (admin)"
  assert_json_field "$HTTP_BODY" conversation_id "$CONV"
  assert_json_field "$HTTP_BODY" message.direction inbound
  assert_json_field "$HTTP_BODY" message.message_type text
  assert_json_field "$HTTP_BODY" message.text Hi
  assert_json_field "$HTTP_BODY" message.status received
}

test_basic_text_messaging() {
  http_call POST "$API/messages/send" "$WA_STAFF_TOKEN" "$REFERENCE_SEND_BODY"
  assert_status 200 "POST $API/messages/send (reference body)"
  assert_json_content_type
  assert_json "$HTTP_BODY" 'isinstance(d["message_id"], str) and d["message_id"] != ""' \
    "message_id is a non-empty string"
  assert_json_field "$HTTP_BODY" status queued
  assert_json_field "$HTTP_BODY" conversation_id "$CONV"
  # The reference's four fields, the number it goes from (README, "A chain")
  # and when it is scheduled for (null: at once; README, "Scheduled sends").
  assert_json "$HTTP_BODY" 'keys(d) == {"message_id", "status", "conversation_id", "created_at",
      "phone_number_id", "scheduled_for"}' "answer has exactly the reference's fields, phone_number_id and scheduled_for"
  assert_json_field "$HTTP_BODY" scheduled_for null "sent at once: no scheduled_for"
  assert_json_field "$HTTP_BODY" phone_number_id "" "the sandbox sends from no number"
  assert_json "$HTTP_BODY" 'abs((ts(d["created_at"]) - now()).total_seconds()) < 60' \
    "created_at is an RFC 3339 UTC time of about now"
  SENT_ID="$(json_get "$HTTP_BODY" message_id)"
}

test_message_status_tracking() {
  http_call GET "$API/messages/msg_123456/status" "$WA_STAFF_TOKEN"
  assert_status 404 "GET $API/messages/msg_123456/status (the reference's id, never sent)"
  assert_error_body "$HTTP_BODY" NOT_FOUND

  if wait_for_status "$WA_STAFF_TOKEN" "$SENT_ID" read 10; then
    pass_check "message $SENT_ID reached \"read\" (seen: $SEEN_STATUSES)"
  else
    fail_check "message $SENT_ID reached \"read\" within 10 s" "seen: $SEEN_STATUSES" \
      "last: HTTP $HTTP_STATUS $HTTP_BODY"
    return 0
  fi
  local body="$HTTP_BODY"
  assert_json_content_type
  assert_json_field "$body" message_id "$SENT_ID"
  assert_json_field "$body" failure_reason ""
  assert_json_field "$body" conversation_id "$CONV"
  assert_json_field "$body" guest_phone "$GUEST"
  assert_json_field "$body" failure_code 0
  assert_json_field "$body" failed_at null "failed_at is null (unset timestamp)"
  assert_json "$body" 'keys(d) == {"message_id", "status", "sent_at", "delivered_at", "read_at",
      "failure_reason", "whatsapp_message_id", "conversation_id", "guest_phone", "created_at",
      "failed_at", "failure_code", "phone_number_id", "guest_user_id", "guest_username",
      "scheduled_for", "valid_until", "end_reason"}' \
    "every MessageStatusResponse field is present"
  assert_json "$body" 'all(is_ts(d[k]) for k in ("created_at", "sent_at", "delivered_at", "read_at"))' \
    "created_at, sent_at, delivered_at, read_at are RFC 3339 UTC"
  assert_json "$body" 'ts(d["created_at"]) <= ts(d["sent_at"]) <= ts(d["delivered_at"]) <= ts(d["read_at"])' \
    "created_at <= sent_at <= delivered_at <= read_at"
  assert_json "$body" 'isinstance(d["whatsapp_message_id"], str) and d["whatsapp_message_id"] != ""' \
    "whatsapp_message_id is set once the provider accepted the message"
  local seen_json
  seen_json="$("$PY" -c 'import json, sys; print(json.dumps(sys.argv[1].split()))' "$SEEN_STATUSES")"
  assert_json "$seen_json" 'all(s in ["queued", "sent", "delivered", "read"] for s in d) and
      [ ["queued", "sent", "delivered", "read"].index(s) for s in d ] == sorted(set(
      ["queued", "sent", "delivered", "read"].index(s) for s in d))' \
    "statuses only moved forward: $SEEN_STATUSES"
}

test_get_conversation_history() {
  http_call GET "$API/conversations/conv_abc123" "$WA_STAFF_TOKEN"
  assert_status 200 "GET $API/conversations/conv_abc123"
  assert_json_content_type
  local body="$HTTP_BODY"
  assert_json_field "$body" conversation_id "$CONV"
  assert_json_field "$body" guest_phone "$GUEST"
  assert_json_field "$body" status active
  assert_json "$body" 'keys(d) == {"conversation_id", "guest_phone", "status", "messages",
      "participants", "metadata", "created_at", "updated_at", "last_guest_message_at",
      "resolved_at", "resolved_by", "resolution_notes", "satisfaction_rating",
      "follow_up_required", "message_count", "assigned_to", "department", "guest_user_id",
      "guest_username"}' \
    "every Conversation field is present"
  assert_json "$body" 'isinstance(d["metadata"], dict)' "metadata is an object"
  assert_json "$body" 'd["resolved_at"] is None and d["resolved_by"] == "" and
      d["satisfaction_rating"] == 0 and d["follow_up_required"] is False' \
    "unresolved: resolved_at null, defaults printed"
  assert_json "$body" 'is_ts(d["created_at"]) and is_ts(d["updated_at"]) and is_ts(d["last_guest_message_at"])' \
    "created_at, updated_at, last_guest_message_at are RFC 3339 UTC"
  assert_json "$body" 'len(d["messages"]) == 2 and d["message_count"] == 2' "two messages, message_count 2"
  assert_json "$body" '[m["direction"] for m in d["messages"]] == ["inbound", "outbound"]' \
    "messages in order: inbound then outbound"
  assert_json "$body" 'd["messages"][0]["text"] == "Hi" and d["messages"][0]["status"] == "received"
      and d["messages"][0]["message_type"] == "text"' "first message is the guest's \"Hi\" (received)"
  assert_json "$body" "d['messages'][1]['message_id'] == '$SENT_ID' and
      d['messages'][1]['text'] == '$WELCOME_TEXT' and d['messages'][1]['message_type'] == 'text'
      and d['messages'][1]['staff_member_id'] == 'staff_456' and d['messages'][1]['status'] == 'read'" \
    "second message is the staff welcome text, now read"
  assert_json "$body" 'ts(d["messages"][0]["created_at"]) <= ts(d["messages"][1]["created_at"])' \
    "messages are ordered by created_at"
  assert_json "$body" 'all(keys(m) == {"message_id", "direction", "message_type", "text", "status",
      "staff_member_id", "whatsapp_message_id", "created_at", "sent_at", "delivered_at", "read_at",
      "failure_reason", "reply_to_message_id", "media_id", "media_url", "reply_id"}
      for m in d["messages"])' "every Message field is present"
  assert_json "$body" 'any(p["role"] == "guest" and p["guest_phone"] == "+1234567890" for p in d["participants"])' \
    "participants include the guest"
  assert_json "$body" 'any(p["role"] == "staff" and p["staff_member_id"] == "staff_456" for p in d["participants"])' \
    "participants include staff_456"
}

test_list_guest_conversations() {
  http_call GET "$API/conversations?guest_phone=%2B1234567890&status=active" "$WA_STAFF_TOKEN"
  assert_status 200 "GET $API/conversations?guest_phone=%2B1234567890&status=active"
  assert_json_content_type
  local body="$HTTP_BODY"
  assert_json "$body" 'keys(d) == {"conversations", "next_page_token"}' \
    "answer has conversations and next_page_token"
  assert_json "$body" '[c["conversation_id"] for c in d["conversations"]] == ["conv_abc123"]' \
    "exactly the guest's conversation conv_abc123"
  assert_json "$body" 'all(c["status"] == "active" and c["guest_phone"] == "+1234567890" for c in d["conversations"])' \
    "listed conversations are the guest's and active"
  assert_json_field "$body" next_page_token ""

  http_call GET "$API/conversations?guest_phone=%2B1234567890&status=resolved" "$WA_STAFF_TOKEN"
  assert_status 200 "GET $API/conversations?guest_phone=%2B1234567890&status=resolved"
  assert_json "$HTTP_BODY" 'd["conversations"] == []' "no resolved conversations for the guest"
}

test_window_status_open() {
  http_call GET "$API/conversations/conv_abc123/window-status" "$WA_STAFF_TOKEN"
  assert_status 200 "GET $API/conversations/conv_abc123/window-status"
  assert_json_content_type
  local body="$HTTP_BODY"
  assert_json_field "$body" within_window true
  assert_json_field "$body" conversation_id "$CONV"
  assert_json_field "$body" guest_phone "$GUEST"
  assert_json "$body" 'isinstance(d["hours_remaining"], (int, float)) and 23.5 < d["hours_remaining"] <= 24' \
    "hours_remaining is about 24"
  assert_json "$body" 'ts(d["window_expires_at"]) == ts(d["last_guest_message_at"]) + timedelta(hours=24)' \
    "window_expires_at is last_guest_message_at + 24 h"
  assert_json "$body" 'abs((ts(d["window_expires_at"]) - now()).total_seconds() - d["hours_remaining"] * 3600) < 120' \
    "hours_remaining matches window_expires_at"
}

test_window_expired() {
  local last
  last="$(timestamp_hours_ago 30)"
  simulate_inbound "$WA_ADMIN_TOKEN" "$LATE_GUEST" "Thanks for the stay" "$LATE_CONV" "$last"
  assert_status 200 "POST $API/sandbox/inbound backdated 30 h ($last)"

  send_text "$WA_STAFF_TOKEN" "$LATE_GUEST" "Are you still there?"
  assert_status 403 "POST $API/messages/send to a guest silent for 30 h"
  local body="$HTTP_BODY"
  assert_error_body "$body" MESSAGE_WINDOW_EXPIRED
  assert_json_field "$body" error.details.guest_phone "$LATE_GUEST"
  assert_json "$body" "ts(d['error']['details']['last_guest_message']) == ts('$last')" \
    "details.last_guest_message is the guest's last message time"
  assert_json "$body" "ts(d['error']['details']['window_expires']) == ts('$last') + timedelta(hours=24)" \
    "details.window_expires is 24 h later"
  assert_json "$body" 'isinstance(d["error"]["details"]["suggested_templates"], list)' \
    "details.suggested_templates is an array"
  assert_json "$body" 'len(d["error"]["recovery_options"]) > 0 and all(isinstance(o, str) and o for o in d["error"]["recovery_options"])' \
    "recovery_options is a non-empty array of strings"

  # Phones are normalized (spaces, dashes, dots, parentheses dropped) and input
  # enums are accepted in any case, so this request is valid up to the window.
  http_call POST "$API/messages/send" "$WA_STAFF_TOKEN" \
    '{"guest_phone":"+1 (987) 654-321","message_type":"TEXT","content":{"text":"Hello again"}}'
  assert_status 403 "POST $API/messages/send to \"+1 (987) 654-321\", message_type \"TEXT\""
  assert_json_field "$HTTP_BODY" error.code MESSAGE_WINDOW_EXPIRED
  assert_json_field "$HTTP_BODY" error.details.guest_phone "$LATE_GUEST" \
    "details.guest_phone is the normalized E.164 number"

  http_call GET "$API/conversations/$LATE_CONV/window-status" "$WA_STAFF_TOKEN"
  assert_status 200 "GET $API/conversations/$LATE_CONV/window-status"
  assert_json_field "$HTTP_BODY" within_window false
  assert_json "$HTTP_BODY" 'd["hours_remaining"] == 0' "hours_remaining is 0"
  assert_json "$HTTP_BODY" "ts(d['window_expires_at']) == ts('$last') + timedelta(hours=24)" \
    "window_expires_at is the backdated message + 24 h"
}

test_unauthenticated() {
  http_call GET "$API/conversations/conv_abc123"
  assert_status 401 "GET $API/conversations/conv_abc123 without a token"
  assert_error_body "$HTTP_BODY" UNAUTHENTICATED
  http_call POST "$API/messages/send" "" "$REFERENCE_SEND_BODY"
  assert_status 401 "POST $API/messages/send without a token"
  assert_error_body "$HTTP_BODY" UNAUTHENTICATED
  http_call GET "$API/conversations/conv_abc123" "not-a-real-token"
  assert_status 401 "GET $API/conversations/conv_abc123 with an unknown token"
  assert_json_field "$HTTP_BODY" error.code UNAUTHENTICATED
}

test_staff_on_admin_endpoint() {
  simulate_inbound "$WA_STAFF_TOKEN" "$GUEST" "Hi" "$CONV"
  assert_status 403 "POST $API/sandbox/inbound with a staff token"
  assert_error_body "$HTTP_BODY" PERMISSION_DENIED
}

test_invalid_phone() {
  local phone
  for phone in 12345 +0123456789 +12 not-a-phone; do
    send_text "$WA_STAFF_TOKEN" "$phone" "Hello"
    assert_status 400 "POST $API/messages/send to \"$phone\""
    assert_json_field "$HTTP_BODY" error.code INVALID_PHONE_NUMBER
  done
  send_text "$WA_STAFF_TOKEN" 12345 "Hello"
  assert_error_body "$HTTP_BODY" INVALID_PHONE_NUMBER
}

test_not_found() {
  http_call GET "$API/conversations/conv_does_not_exist" "$WA_STAFF_TOKEN"
  assert_status 404 "GET $API/conversations/conv_does_not_exist"
  assert_error_body "$HTTP_BODY" NOT_FOUND
  http_call GET "$API/conversations/conv_does_not_exist/window-status" "$WA_STAFF_TOKEN"
  assert_status 404 "GET $API/conversations/conv_does_not_exist/window-status"
  assert_json_field "$HTTP_BODY" error.code NOT_FOUND
}

test_other_property_is_invisible() {
  http_call GET "$API/conversations/conv_abc123" "$WA_OTHER_TOKEN"
  assert_status 404 "GET $API/conversations/conv_abc123 with another property's token"
  assert_error_body "$HTTP_BODY" NOT_FOUND
  http_call GET "$API/conversations/conv_abc123/window-status" "$WA_OTHER_TOKEN"
  assert_status 404 "GET $API/conversations/conv_abc123/window-status, other property"
  if [[ -n "$SENT_ID" ]]; then
    http_call GET "$API/messages/$SENT_ID/status" "$WA_OTHER_TOKEN"
    assert_status 404 "GET $API/messages/$SENT_ID/status, other property"
  fi
  http_call GET "$API/conversations?guest_phone=%2B1234567890" "$WA_OTHER_TOKEN"
  assert_status 200 "GET $API/conversations?guest_phone=%2B1234567890, other property"
  assert_json "$HTTP_BODY" 'd["conversations"] == []' "another property lists none of them"
}

test_routing_errors() {
  http_call GET "$API/no-such-resource" "$WA_STAFF_TOKEN"
  assert_status 404 "GET $API/no-such-resource"
  assert_error_body "$HTTP_BODY" NOT_FOUND
  http_call GET /not-the-api "$WA_STAFF_TOKEN"
  assert_status 404 "GET /not-the-api"

  http_call PUT "$API/messages/send" "$WA_STAFF_TOKEN" "$REFERENCE_SEND_BODY"
  assert_status 405 "PUT $API/messages/send"
  assert_json "$HTTP_BODY" 'isinstance(d["error"]["code"], str) and d["error"]["code"] != ""' \
    "405 answer uses the error envelope"
  http_call DELETE "$API/conversations/conv_abc123" "$WA_STAFF_TOKEN"
  assert_status 405 "DELETE $API/conversations/conv_abc123"
}

test_malformed_json() {
  http_call POST "$API/messages/send" "$WA_STAFF_TOKEN" '{"guest_phone": "+1234567890", "message_type": '
  assert_status 400 "POST $API/messages/send with truncated JSON"
  assert_error_body "$HTTP_BODY" INVALID_ARGUMENT
  http_call POST "$API/messages/send" "$WA_STAFF_TOKEN" '["not", "an", "object"]'
  assert_status 400 "POST $API/messages/send with a JSON array"
  assert_json_field "$HTTP_BODY" error.code INVALID_ARGUMENT
}

# The reference's "Batch send messages with rate limiting" body, as
# JSON.stringify writes it. The first guest wrote in (conv_abc123); the
# second never did, so its free-form item meets the window rule.
REFERENCE_BATCH_BODY='{"messages":[{"phone":"+1234567890","content":"Message 1"},{"phone":"+1234567891","content":"Message 2"}],"rate_limit":{"messages_per_second":10,"batch_size":100},"delivery_options":{"retry_failed":true,"track_delivery":true}}'

test_batch_send() {
  http_call POST "$API/messages/batch-send" "$WA_STAFF_TOKEN" "$REFERENCE_BATCH_BODY"
  assert_status 200 "POST $API/messages/batch-send (reference body)"
  assert_json "$HTTP_BODY" 'd["batch_id"].startswith("batch_")' "batch_id is ours"
  assert_json "$HTTP_BODY" 'ts(d["estimated_completion"]) is not None and abs((ts(d["estimated_completion"]) - now()).total_seconds()) < 60' \
    "estimated_completion is an RFC 3339 UTC time of about now"
  local batch_id i
  batch_id="$(json_get "$HTTP_BODY" batch_id)"
  for i in $(seq 1 50); do
    http_call GET "$API/messages/batches/$batch_id" "$WA_STAFF_TOKEN"
    [[ "$(json_get "$HTTP_BODY" status)" == completed ]] && break
    sleep 0.2
  done
  assert_status 200 "GET $API/messages/batches/$batch_id"
  assert_json_field "$HTTP_BODY" status completed "the batch completed"
  assert_json_field "$HTTP_BODY" total 2
  assert_json "$HTTP_BODY" 'd["items"][0]["message_id"].startswith("msg_")' \
    "the guest inside the window got Message 1"
  assert_json_field "$HTTP_BODY" items.1.error_code MESSAGE_WINDOW_EXPIRED \
    "the guest outside the window got nothing: MESSAGE_WINDOW_EXPIRED"
  assert_json "$HTTP_BODY" 'd["failures"] == [{"reason": "MESSAGE_WINDOW_EXPIRED", "count": 1}]' \
    "the funnel counts the failure by reason"

  http_call POST "$API/messages/batches/$batch_id/cancel" "$WA_STAFF_TOKEN" '{}'
  assert_status 400 "POST $API/messages/batches/$batch_id/cancel after completion"
  assert_error_body "$HTTP_BODY" FAILED_PRECONDITION
}

test_idempotency_key_header() {
  local first
  HTTP_EXTRA_HEADER="Idempotency-Key: e2e-$$-$RANDOM" http_call POST "$API/messages/send" \
    "$WA_STAFF_TOKEN" "$REFERENCE_SEND_BODY"
  assert_status 200 "POST $API/messages/send with an Idempotency-Key"
  first="$(json_get "$HTTP_BODY" message_id)"
  HTTP_EXTRA_HEADER="Idempotency-Key: e2e-$$-$RANDOM-other" http_call POST "$API/messages/send" \
    "$WA_STAFF_TOKEN" "$REFERENCE_SEND_BODY"
  assert_ne "$(json_get "$HTTP_BODY" message_id)" "$first" "another key sends again"
  local key="e2e-$$-repeat"
  HTTP_EXTRA_HEADER="Idempotency-Key: $key" http_call POST "$API/messages/send" \
    "$WA_STAFF_TOKEN" "$REFERENCE_SEND_BODY"
  first="$(json_get "$HTTP_BODY" message_id)"
  HTTP_EXTRA_HEADER="Idempotency-Key: $key" http_call POST "$API/messages/send" \
    "$WA_STAFF_TOKEN" "$REFERENCE_SEND_BODY"
  assert_status 200 "the repeat answers 200"
  assert_json_field "$HTTP_BODY" message_id "$first" "the repeat answers the first message_id"
  HTTP_EXTRA_HEADER="Idempotency-Key: $key" http_call POST "$API/messages/send" \
    "$WA_STAFF_TOKEN" "${REFERENCE_SEND_BODY/Welcome/Hello}"
  assert_status 409 "the same key with another body"
  assert_error_body "$HTTP_BODY" ALREADY_EXISTS
}

# curl's own multipart form (-F), as the README shows it: a PNG image and a
# WebP sticker made here, each downloaded back byte for byte.
test_media_with_curl() {
  "$PY" - "$E2E_TMP" <<'EOF'
import struct, sys, zlib
out = sys.argv[1]
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
rows = b"".join(b"\x00" + bytes([x % 256, 90, 200]) * 64 for x in range(64))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
open(out + "/lobby.png", "wb").write(png)
# A static lossless WebP: RIFF header, VP8L chunk (1x1).
vp8l = b"\x2f\x00\x00\x00\x00\x07\x00\x00\x00" + b"\x00" * 7
webp = (b"RIFF" + struct.pack("<I", 4 + 8 + len(vp8l)) + b"WEBP" + b"VP8L"
        + struct.pack("<I", len(vp8l)) + vp8l)
open(out + "/welcome.webp", "wb").write(webp)
EOF
  local file kind expected_type media_id
  for file in lobby.png:image:image/png welcome.webp:sticker:image/webp; do
    IFS=: read -r file kind expected_type <<<"$file"
    HTTP_BODY="$(curl -sS -X POST "http://$WA_HTTP_ADDR$API/media/upload" \
      -H "Authorization: Bearer $WA_STAFF_TOKEN" \
      -F "media=@$E2E_TMP/$file" -F "media_type=$kind")"
    assert_json_field "$HTTP_BODY" mime_type "$expected_type" "curl -F upload of $file is $expected_type"
    media_id="$(json_get "$HTTP_BODY" media_id)"
    curl -sS "http://$WA_HTTP_ADDR$API/media/$media_id/content" \
      -H "Authorization: Bearer $WA_STAFF_TOKEN" -o "$E2E_TMP/$file.back"
    if cmp -s "$E2E_TMP/$file" "$E2E_TMP/$file.back"; then
      pass_check "$file downloads byte for byte"
    else
      fail_check "$file downloads byte for byte"
    fi
  done
}

# The reference's "Mark conversation as resolved" body, as JSON.stringify writes it.
RESOLVE_BODY='{"resolution_notes":"Guest room service request completed successfully","satisfaction_rating":5,"follow_up_required":false}'

test_delivery_analytics() {
  http_call GET "$API/conversations/$CONV/analytics" "$WA_STAFF_TOKEN"
  assert_status 200 "GET $API/conversations/$CONV/analytics"
  assert_json "$HTTP_BODY" '{"delivery_rates", "response_times", "satisfaction_score"} <= keys(d)' \
    "delivery rates, response times, satisfaction scores"
  assert_json "$HTTP_BODY" 'd["delivery_rates"]["total"] >= 1 and d["delivery_rates"]["read"] >= 1' \
    "the text sent earlier counts as sent and read"
  assert_json "$HTTP_BODY" 'd["response_times"]["staff_responses"] >= 1' \
    "the staff answer to the guest's Hi counts as a response"
}

test_resolve_conversation() {
  http_call POST "$API/conversations/$CONV/resolve" "$WA_STAFF_TOKEN" \
    '{"resolution_notes":"x","satisfaction_rating":9,"follow_up_required":false}'
  assert_status 400 "POST $API/conversations/$CONV/resolve with satisfaction_rating 9"
  assert_error_body "$HTTP_BODY" INVALID_ARGUMENT
  http_call POST "$API/conversations/$CONV/resolve" "$WA_STAFF_TOKEN" "$RESOLVE_BODY"
  assert_status 200 "POST $API/conversations/$CONV/resolve (the reference's body)"
  assert_json_field "$HTTP_BODY" status resolved
  assert_json_field "$HTTP_BODY" satisfaction_rating 5
  http_call GET "$API/conversations/$CONV/analytics" "$WA_STAFF_TOKEN"
  assert_json "$HTTP_BODY" 'd["satisfaction_score"] == 5' "analytics carry the rating"
  simulate_inbound "$WA_ADMIN_TOKEN" "$GUEST" "One more thing"
  assert_ne "$CONV" "$(json_get "$HTTP_BODY" conversation_id)" \
    "the guest's next message opens a new conversation"
}

# The reference's "Template Messaging" bodies, as JSON.stringify writes them.
# Neither guest has written: templates need no window.
WELCOME_TEMPLATE_BODY='{"guest_phone":"+1234567890","template_name":"welcome_checkin","language":"en","parameters":{"guest_name":"John Smith","hotel_name":"Grand Plaza Hotel","room_number":"205","checkin_time":"3:00 PM","checkout_date":"January 18, 2024"},"conversation_metadata":{"booking_reference":"RB123456","guest_tier":"gold_member"}}'
SERVICE_TEMPLATE_BODY='{"guest_phone":"+1234567890","template_name":"service_confirmation","language":"en","parameters":{"service_type":"Spa Massage","appointment_time":"Tomorrow at 2:00 PM","location":"Wellness Center - Room 3","estimated_duration":"90 minutes"}}'
LATE_CHECKOUT_BODY='{"name":"late_checkout_confirmation","category":"UTILITY","language":"en","components":[{"type":"HEADER","format":"TEXT","text":"Late Checkout Confirmed"},{"type":"BODY","text":"Hi {{1}}, your late checkout until {{2}} has been confirmed for room {{3}}. Additional charges: {{4}}."},{"type":"FOOTER","text":"Thank you for staying with us!"}]}'

test_template_messaging() {
  local body
  for body in "$WELCOME_TEMPLATE_BODY" "$SERVICE_TEMPLATE_BODY"; do
    http_call POST "$API/templates/send" "$WA_STAFF_TOKEN" "$body"
    assert_status 200 "POST $API/templates/send ($(json_get "$body" template_name))"
    assert_json_field "$HTTP_BODY" status queued
    assert_json "$HTTP_BODY" 'd["message_id"].startswith("msg_")' "message_id is ours"
  done
  # Outside the window too: the late guest has been silent for 30 hours.
  body="${WELCOME_TEMPLATE_BODY/+1234567890/$LATE_GUEST}"
  http_call POST "$API/templates/send" "$WA_STAFF_TOKEN" "$body"
  assert_status 200 "POST $API/templates/send to a guest outside the window"

  body="${WELCOME_TEMPLATE_BODY/\"room_number\":\"205\",/}"
  http_call POST "$API/templates/send" "$WA_STAFF_TOKEN" "$body"
  assert_status 400 "POST $API/templates/send without room_number"
  assert_error_body "$HTTP_BODY" INVALID_ARGUMENT
  assert_json_field "$HTTP_BODY" error.details.parameter room_number
}

test_template_management() {
  http_call GET "$API/templates?language=en&category=guest_services" "$WA_STAFF_TOKEN"
  assert_status 200 "GET $API/templates?language=en&category=guest_services"
  assert_json "$HTTP_BODY" '{"welcome_checkin", "service_confirmation", "service_followup", "general_inquiry"} <= {t["name"] for t in d["templates"]}' \
    "the starter catalog is listed"
  http_call GET "$API/templates/welcome_checkin" "$WA_STAFF_TOKEN"
  assert_status 200 "GET $API/templates/welcome_checkin"
  assert_json "$HTTP_BODY" '{"name", "category", "language", "status", "components", "parameters", "example"} <= keys(d)' \
    "details carry name, category, language, status, components, parameters, example"
  assert_json_field "$HTTP_BODY" category UTILITY
  assert_json_field "$HTTP_BODY" status APPROVED

  http_call POST "$API/templates" "$WA_STAFF_TOKEN" "$LATE_CHECKOUT_BODY"
  assert_status 403 "POST $API/templates as staff"
  http_call POST "$API/templates" "$WA_ADMIN_TOKEN" "$LATE_CHECKOUT_BODY"
  assert_status 200 "POST $API/templates (the reference's late_checkout_confirmation)"
  assert_json_field "$HTTP_BODY" status PENDING
  local i
  for i in $(seq 1 50); do
    http_call GET "$API/templates/late_checkout_confirmation" "$WA_STAFF_TOKEN"
    [[ "$(json_get "$HTTP_BODY" status)" == APPROVED ]] && break
    sleep 0.2
  done
  assert_json_field "$HTTP_BODY" status APPROVED "the sandbox approved late_checkout_confirmation"
}

test_window_expired_suggests_templates() {
  send_text "$WA_STAFF_TOKEN" "$LATE_GUEST" "Are you still there?"
  assert_status 403 "POST $API/messages/send outside the window"
  assert_json "$HTTP_BODY" '{"service_followup", "general_inquiry"} <= set(d["error"]["details"]["suggested_templates"])' \
    "suggested_templates names the reference's service_followup and general_inquiry"
}

run_case "sandbox inbound opens conv_abc123" test_guest_inbound_opens_conversation
run_case "Basic Text Messaging" test_basic_text_messaging
run_case "Get message status" test_message_status_tracking
run_case "Get conversation history" test_get_conversation_history
run_case "Get all conversations for a guest" test_list_guest_conversations
run_case "Check if guest is within messaging window" test_window_status_open
run_case "MESSAGE_WINDOW_EXPIRED" test_window_expired
run_case "media with curl -F" test_media_with_curl
run_case "Get delivery analytics" test_delivery_analytics
run_case "Mark conversation as resolved" test_resolve_conversation
run_case "Template Messaging" test_template_messaging
run_case "Template Management" test_template_management
run_case "MESSAGE_WINDOW_EXPIRED suggests templates" test_window_expired_suggests_templates
run_case "no token: UNAUTHENTICATED" test_unauthenticated
run_case "staff on admin endpoint: PERMISSION_DENIED" test_staff_on_admin_endpoint
run_case "INVALID_PHONE_NUMBER" test_invalid_phone
run_case "unknown conversation: NOT_FOUND" test_not_found
run_case "another property's conversation: NOT_FOUND" test_other_property_is_invisible
run_case "unknown path 404, wrong method 405" test_routing_errors
# The property's events, a page at a time: the answer's exact keys, and an
# event's envelope.
test_list_events() {
  http_call GET "$API/events?page_size=2" "$WA_STAFF_TOKEN"
  assert_status 200 "GET /events"
  assert_json "$HTTP_BODY" 'keys(d) == {"events", "next_cursor", "latest_cursor", "oldest_cursor"}' \
    "ListEvents answers exactly its fields"
  assert_json "$HTTP_BODY" 'len(d["events"]) == 2 and all(keys(e) == {"cursor", "event", "event_id",
    "created_at", "data", "conversation_id"} for e in d["events"])
    and int(d["events"][1]["cursor"]) == int(d["events"][0]["cursor"]) + 1' \
    "each event has the envelope and consecutive cursors"
  http_call GET "$API/events?after_cursor=-1" "$WA_STAFF_TOKEN"
  assert_status 400 "a negative cursor is refused"
}

# Automation (README, "Automation"): the answers' exact keys. The rule
# stays disabled: the shared server's other tests get no automatic replies.
test_automation_shapes() {
  http_call PUT "$API/departments/concierge" "$WA_ADMIN_TOKEN" '{"hours": [{"day": "MONDAY",
    "open": "07:00", "close": "23:00"}], "exceptions": [{"date": "2026-12-25", "closed": true}],
    "after_hours_reply": {"text": "Back at 7:00."}}'
  assert_status 200 "PUT /departments/concierge"
  assert_json "$HTTP_BODY" 'keys(d) == {"department", "hours", "exceptions", "after_hours_reply",
    "open_now", "time_zone"} and keys(d["hours"][0]) == {"day", "open", "close"}
    and keys(d["exceptions"][0]) == {"date", "closed", "open", "close"}' \
    "a department answers exactly its fields"
  http_call POST "$API/automation/rules" "$WA_ADMIN_TOKEN" '{"name": "Towels", "enabled": false,
    "match": {"keywords": ["towel"], "hours": "always"},
    "actions": [{"assign": {"department": "concierge"}}, {"reply": {"text": "On its way!"}}],
    "cooldown": "3600s"}'
  assert_status 200 "POST /automation/rules"
  assert_json "$HTTP_BODY" 'keys(d) == {"rule_id", "position", "name", "enabled", "match", "actions",
    "cooldown", "created_at", "updated_at"} and keys(d["match"]) == {"keywords", "pattern",
    "language", "reply_id", "message_types", "hours"} and keys(d["actions"][0]) == {"assign",
    "set_metadata", "reply", "stop"} and d["rule_id"].startswith("rul_") and d["cooldown"] == "3600s"' \
    "a rule answers exactly its fields"
  http_call POST "$API/automation/test" "$WA_ADMIN_TOKEN" '{"message": {"text": "Two towels?",
    "message_type": "text"}, "at": "2026-12-07T23:10:00Z"}'
  assert_status 200 "POST /automation/test"
  assert_json "$HTTP_BODY" 'keys(d) == {"matches", "department_open", "detected_language"}' \
    "the dry run answers exactly its fields"
  http_call POST "$API/automation/rules" "$WA_ADMIN_TOKEN" '{"name": "Bad", "match": {"hours": "soon"},
    "actions": [{"stop": true}]}'
  assert_status 400 "an unknown hours value is refused"
  assert_json_field "$HTTP_BODY" error.code INVALID_ARGUMENT
}

run_case "malformed JSON: 400" test_malformed_json
run_case "ListEvents" test_list_events
run_case "automation answers" test_automation_shapes
run_case "Batch send messages with rate limiting" test_batch_send
run_case "Idempotency-Key header" test_idempotency_key_header
finish
