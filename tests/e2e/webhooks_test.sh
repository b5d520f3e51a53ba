#!/usr/bin/env bash
# The reference's "Webhook Configuration" and "Processing Webhook Events"
# end to end: the reference's handler (tests/e2e/webhook_handler.js, Node,
# checking every signature with Node's crypto) is the hotel's endpoint, the
# configure call is the reference's body, and a sandbox flow produces all
# five kinds of events it handles. Also the configure refusals in the
# contract's error format. Starts a server of its own.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
make_tmp
HANDLER_PID=""
stop_handler() { [[ -z "$HANDLER_PID" ]] || { kill "$HANDLER_PID" 2>/dev/null; wait "$HANDLER_PID" 2>/dev/null || true; }; }
trap 'stop_handler; cleanup' EXIT

API=/api/v1/whatsapp
DATA_DIR="$E2E_TMP/data"
EVENTS_LOG="$E2E_TMP/handled.jsonl"
GUEST=+15550006001
FAILING_GUEST=+15005550004  # the sandbox's "sent, then failed" number
CONV=conv_webhook_e2e

start_handler() {
  command -v node >/dev/null || die "node is not installed"
  : >"$EVENTS_LOG"
  node "$E2E_DIR/webhook_handler.js" "$EVENTS_LOG" >"$E2E_TMP/handler.out" 2>&1 &
  HANDLER_PID=$!
  local deadline=$((SECONDS + 10))
  until grep -q '^listening ' "$E2E_TMP/handler.out" 2>/dev/null; do
    ((SECONDS < deadline)) || die "the webhook handler did not start: $(cat "$E2E_TMP/handler.out")"
    sleep 0.05
  done
  HANDLER_PORT="$(awk '/^listening /{print $2; exit}' "$E2E_TMP/handler.out")"
  HANDLER_URL="http://127.0.0.1:$HANDLER_PORT/webhooks/whatsapp"
}

# The reference's configure body, with the URL of the local handler.
configure_body() {
  local url="$1" events="${2:-}"
  "$PY" - "$url" "$events" <<'PYEOF'
import json, sys
body = {
    "webhook_url": sys.argv[1],
    "events": ["message_delivered", "message_read", "message_failed", "inbound_message",
               "media_received"],
    "verify_token": "your_verification_token",
    "retry_config": {"max_retries": 3, "retry_delay": 5000},
}
if sys.argv[2]:
    body["events"] = sys.argv[2].split(",")
print(json.dumps(body))
PYEOF
}

# A small valid PNG, made here so the test needs no fixture file.
make_png() {
  "$PY" - "$1" <<'PYEOF'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
rows = b"".join(b"\x00" + b"\xff\x80\x00" * 8 for _ in range(8))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PYEOF
}

# handled KIND [FIELD VALUE]: how many handled events of that kind (and field).
handled() {
  "$PY" - "$EVENTS_LOG" "$@" <<'PYEOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
kind = sys.argv[2]
n = [l for l in lines if l.get("handled_as") == kind or l.get("event") == kind]
if len(sys.argv) > 4:
    n = [l for l in n if str(l.get(sys.argv[3])) == sys.argv[4]]
print(len(n))
PYEOF
}

wait_handled() {
  local kind="$1" want="$2" timeout="${3:-15}" deadline=$((SECONDS + ${3:-15}))
  while (( $(handled "$kind") < want )); do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

test_configure_refusals() {
  local bad
  http_call POST "$API/webhooks/configure" "$STAFF" "$(configure_body "$HANDLER_URL")"
  assert_status 403 "staff configures"
  assert_error_body "$HTTP_BODY" PERMISSION_DENIED
  for bad in "not a url" "http://example.com/hook" "https://10.0.0.7/hook" \
    "https://169.254.169.254/latest/meta-data" "https://192.168.1.20/hook"; do
    http_call POST "$API/webhooks/configure" "$ADMIN" "$(configure_body "$bad")"
    assert_status 400 "webhook_url '$bad' refused"
    assert_error_body "$HTTP_BODY" INVALID_ARGUMENT
    assert_json_field "$HTTP_BODY" error.details.field webhook_url
  done
  http_call POST "$API/webhooks/configure" "$ADMIN" \
    "$(configure_body "$HANDLER_URL" inbound_message,guest_sneezed)"
  assert_status 400 "unknown event refused"
  assert_error_body "$HTTP_BODY" INVALID_ARGUMENT
  assert_json_field "$HTTP_BODY" error.details.event guest_sneezed
  http_call GET "$API/webhooks/config" "$ADMIN"
  assert_status 404 "nothing was configured by the refused calls"
  assert_error_body "$HTTP_BODY" NOT_FOUND
}

test_reference_configuration() {
  http_call POST "$API/webhooks/configure" "$ADMIN" "$(configure_body "$HANDLER_URL")"
  assert_status 200 "the reference's configure call"
  SECRET="$(json_get "$HTTP_BODY" signing_secret)"
  assert_json "$HTTP_BODY" 'd["signing_secret"].startswith("whsec_")' "a signing secret is returned"
  # The reference's handler answers POST only, so the GET check fails, and says why.
  assert_json_field "$HTTP_BODY" verified false "verified is false for a POST-only handler"
  assert_json "$HTTP_BODY" '"404" in d["verification_error"]' "verification_error says why"
  assert_json "$HTTP_BODY" 'd["config"]["retry_config"] == {"max_retries": 3, "retry_delay": 5000}' \
    "retry_config stored as given"
  curl -sS -X POST "http://127.0.0.1:$HANDLER_PORT/_secret" -d "{\"secret\": \"$SECRET\"}" >/dev/null
  http_call GET "$API/webhooks/config" "$ADMIN"
  assert_status 200 "read the configuration"
  assert_json "$HTTP_BODY" '"signing_secret" not in d and d["webhook_url"].endswith("/webhooks/whatsapp") and len(d["events"]) == 5' \
    "the configuration, without the secret"
}

test_sandbox_flow_reaches_the_handler() {
  simulate_inbound "$ADMIN" "$GUEST" "Could I get a late checkout?" "$CONV"
  assert_status 200 "a guest writes"
  local inbound_id
  inbound_id="$(json_get "$HTTP_BODY" message.message_id)"

  make_png "$E2E_TMP/photo.png"
  local upload
  upload="$(curl -sS -X POST "http://$WA_HTTP_ADDR$API/media/upload" -H "Authorization: Bearer $ADMIN" \
    -F "media=@$E2E_TMP/photo.png" -F media_type=image)"
  local media_id
  media_id="$(json_get "$upload" media_id)"
  assert_ne "<missing>" "$media_id" "uploaded an image for the guest to send"
  http_call POST "$API/sandbox/inbound" "$ADMIN" \
    "{\"guest_phone\": \"$GUEST\", \"media_type\": \"image\", \"media_id\": \"$media_id\", \"text\": \"The broken lamp\"}"
  assert_status 200 "the guest sends a photo"

  send_text "$STAFF" "$GUEST" "Of course, checkout at 2pm." "$CONV"
  assert_status 200 "staff answers"
  local sent_id
  sent_id="$(json_get "$HTTP_BODY" message_id)"

  simulate_inbound "$ADMIN" "$FAILING_GUEST" "Hello"
  send_text "$STAFF" "$FAILING_GUEST" "This one will fail"
  assert_status 200 "a send that the sandbox fails"
  local failed_id
  failed_id="$(json_get "$HTTP_BODY" message_id)"

  if wait_handled inbound_message 2 && wait_handled media_received 1 &&
    wait_handled message_delivered 1 && wait_handled message_read 1 && wait_handled message_failed 1; then
    pass_check "the handler received all five kinds of event"
  else
    fail_check "the handler received all five kinds of event" "$(cat "$EVENTS_LOG")"
  fi
  assert_eq 0 "$(handled rejected)" "every delivery's signature verified with Node's crypto"
  assert_eq 1 "$(handled inbound_message message_id "$inbound_id")" "handleInboundMessage got the text message"
  assert_eq 1 "$(handled inbound_message message_content "Could I get a late checkout?")" "  with message_content"
  assert_eq 2 "$(handled inbound_message conversation_id "$CONV")" "  and conversation_id (the text and the photo, one conversation)"
  assert_eq 1 "$(handled inbound_message message_content "The broken lamp")" "the photo is an inbound_message too, its caption the content"
  assert_eq 1 "$(handled message_delivered message_id "$sent_id")" "updateMessageStatus(…, 'delivered') for the reply"
  assert_eq 1 "$(handled message_read message_id "$sent_id")" "updateMessageStatus(…, 'read') for the reply"
  assert_eq 1 "$(handled message_failed message_id "$failed_id")" "handleMessageFailure for the failed send"
  local media
  media="$(grep '"handled_as":"media"' "$EVENTS_LOG" | head -1)"
  assert_json "$media" "d['data']['media_id'] == '$media_id' and d['data']['media_type'] == 'image' and d['data']['caption'] == 'The broken lamp' and d['data']['mime_type'] == 'image/png'" \
    "processInboundMedia got the photo"
  local failure
  failure="$(grep '"handled_as":"failure"' "$EVENTS_LOG" | head -1)"
  assert_json "$failure" 'd["data"]["failure_code"] == 131026 and d["data"]["status"] == "failed"' \
    "the failure carries Meta's code"

  http_call GET "$API/webhooks/deliveries?status=delivered&event=message_read" "$ADMIN"
  assert_status 200 "deliveries filtered by status and event"
  assert_json "$HTTP_BODY" 'len(d["deliveries"]) == 1 and d["deliveries"][0]["attempts"] == 1' \
    "one message_read delivered at the first attempt"
}

setup() {
  mkdir -p "$DATA_DIR"
  start_server "$DATA_DIR"
  ADMIN="$(create_token "$DATA_DIR" admin webhook-admin)"
  STAFF="$(create_token "$DATA_DIR" staff webhook-staff)"
  start_handler
  log "wa-server pid $SERVER_PID http=$WA_HTTP_ADDR; handler pid $HANDLER_PID port $HANDLER_PORT"
}

setup
run_case "configure refusals (contract errors, nothing stored)" test_configure_refusals
run_case "the reference's webhook configuration" test_reference_configuration
run_case "the reference's handler receives the five event kinds" test_sandbox_flow_reaches_the_handler
finish
