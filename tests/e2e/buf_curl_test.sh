#!/usr/bin/env bash
# gRPC through `buf curl` (the grpcurl stand-in) using only server reflection
# for the schema: what an operator does when debugging. Needs WA_GRPC_ADDR,
# WA_ADMIN_TOKEN and WA_STAFF_TOKEN (set by run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_env WA_GRPC_ADDR WA_ADMIN_TOKEN WA_STAFF_TOKEN
make_tmp
trap cleanup EXIT

BASE_URL="http://$WA_GRPC_ADDR"
GUEST=+15550002001
CONV=conv_buf_001

# buf_call ARGS...: runs buf curl over HTTP/2 gRPC; sets BUF_RC, BUF_OUT, BUF_ERR.
buf_call() {
  BUF_RC=0
  timeout 30 "$BUF" curl --protocol grpc --http2-prior-knowledge "$@" \
    >"$E2E_TMP/buf.out" 2>"$E2E_TMP/buf.err" || BUF_RC=$?
  BUF_OUT="$(cat "$E2E_TMP/buf.out")"
  BUF_ERR="$(cat "$E2E_TMP/buf.err")"
}

# rpc METHOD TOKEN JSON: calls hotel.whatsapp.v1.<METHOD> (e.g.
# MessagesService/SendMessage) with a bearer token ("" for none).
rpc() {
  local method="$1" token="$2" data="$3"
  local -a headers=()
  if [[ -n "$token" ]]; then
    headers=(-H "Authorization: Bearer $token")
  fi
  buf_call "${headers[@]}" -d "$data" "$BASE_URL/hotel.whatsapp.v1.$method"
}

assert_buf_ok() {
  if ((BUF_RC == 0)); then
    pass_check "$1 succeeds"
  else
    fail_check "$1 succeeds" "exit $BUF_RC" "stderr: ${BUF_ERR:0:600}"
  fi
}

test_list_services() {
  buf_call --list-services "$BASE_URL"
  assert_buf_ok "buf curl --list-services"
  local service
  for service in hotel.whatsapp.v1.MessagesService hotel.whatsapp.v1.ConversationsService \
    hotel.whatsapp.v1.SandboxService hotel.whatsapp.v1.AdminService grpc.health.v1.Health; do
    assert_contains "$BUF_OUT" "$service" "reflection lists $service"
  done
  # --list-methods also takes the base URL and lists every service's methods.
  buf_call --list-methods "$BASE_URL"
  assert_buf_ok "buf curl --list-methods"
  local method
  for method in MessagesService/SendMessage MessagesService/GetMessageStatus \
    ConversationsService/GetWindowStatus SandboxService/SimulateInbound; do
    assert_contains "$BUF_OUT" "hotel.whatsapp.v1.$method" "reflection lists $method"
  done
}

test_health_check() {
  buf_call -d '{}' "$BASE_URL/grpc.health.v1.Health/Check"
  assert_buf_ok "grpc.health.v1.Health/Check (no token)"
  assert_json_field "$BUF_OUT" status SERVING "health status is SERVING"
}

test_send_message() {
  rpc SandboxService/SimulateInbound "$WA_ADMIN_TOKEN" \
    "{\"guest_phone\": \"$GUEST\", \"text\": \"Hi from buf\", \"conversation_id\": \"$CONV\"}"
  assert_buf_ok "SandboxService/SimulateInbound (admin)"

  rpc MessagesService/SendMessage "$WA_STAFF_TOKEN" \
    "{\"guest_phone\": \"$GUEST\", \"message_type\": \"MESSAGE_TYPE_TEXT\",
      \"content\": {\"text\": \"Hello from buf curl\"}, \"conversation_id\": \"$CONV\"}"
  assert_buf_ok "MessagesService/SendMessage (staff)"
  # buf prints protojson: lowerCamelCase names, enum value names.
  assert_json "$BUF_OUT" 'isinstance(d.get("messageId"), str) and d["messageId"] != ""' \
    "SendMessage answer has a message_id"
  assert_json_field "$BUF_OUT" status MESSAGE_STATUS_QUEUED
  assert_json_field "$BUF_OUT" conversationId "$CONV"
}

test_window_status() {
  rpc ConversationsService/GetWindowStatus "$WA_STAFF_TOKEN" "{\"conversation_id\": \"$CONV\"}"
  assert_buf_ok "ConversationsService/GetWindowStatus"
  assert_json_field "$BUF_OUT" withinWindow true
  assert_json "$BUF_OUT" '23.5 < d["hoursRemaining"] <= 24 and is_ts(d["windowExpiresAt"])' \
    "hours_remaining about 24, window_expires_at set"
}

test_errors_exit_non_zero() {
  rpc MessagesService/SendMessage "$WA_STAFF_TOKEN" \
    '{"guest_phone": "12345", "message_type": "MESSAGE_TYPE_TEXT", "content": {"text": "x"}}'
  assert_ne 0 "$BUF_RC" "SendMessage to an invalid phone exits non-zero"
  assert_contains "$BUF_ERR" invalid_argument "the error names invalid_argument"

  rpc ConversationsService/GetWindowStatus "" "{\"conversation_id\": \"$CONV\"}"
  assert_ne 0 "$BUF_RC" "GetWindowStatus without a token exits non-zero"
  assert_contains "$BUF_ERR" unauthenticated "the error names unauthenticated"
}

# What an operator sees in `buf curl`'s error: the contract's ErrorDetail
# (base64: buf prints details only through the types compiled into it,
# never through the server's reflection) and its twin, a
# google.protobuf.Struct of the same JSON, which buf decodes under "debug":
# MESSAGE_WINDOW_EXPIRED and its recovery options in plain JSON.
test_error_detail() {
  rpc MessagesService/SendMessage "$WA_STAFF_TOKEN" \
    '{"guest_phone": "+15550003999", "content": {"text": "no window"}}'
  assert_ne 0 "$BUF_RC" "SendMessage outside the window exits non-zero"
  assert_json "$BUF_ERR" 'd["details"][0]["type"] == "hotel.whatsapp.v1.ErrorDetail"' \
    "the first detail is the contract's ErrorDetail"
  assert_json "$BUF_ERR" \
    '[x["debug"]["code"] for x in d["details"] if x["type"] == "google.protobuf.Struct"] == ["MESSAGE_WINDOW_EXPIRED"]' \
    "buf shows the contract's code in plain JSON"
  assert_json "$BUF_ERR" \
    '"Use approved template message" in [x for x in d["details"] if x["type"] == "google.protobuf.Struct"][0]["debug"]["recovery_options"]' \
    "and its recovery options"
  assert_json "$BUF_ERR" \
    '[x for x in d["details"] if x["type"] == "google.protobuf.Struct"][0]["debug"]["details"]["suggested_templates"] != []' \
    "and its details (the suggested templates)"
  # The ErrorDetail itself decodes with the generated Python stubs too.
  local decoded
  decoded="$(PYTHONPATH="$WA_PYTHON_CLIENT" "$PY" -c '
import base64, json, sys
from hotel.whatsapp.v1.common_pb2 import ErrorDetail
value = json.loads(sys.stdin.read())["details"][0]["value"]
d = ErrorDetail.FromString(base64.b64decode(value + "=" * (-len(value) % 4)))
print(d.code, "|", "; ".join(d.recovery_options))' <<<"$BUF_ERR" 2>&1)"
  assert_contains "$decoded" MESSAGE_WINDOW_EXPIRED "the ErrorDetail holds the contract's code"
}

# A request without a required field is refused on gRPC as on REST, naming
# the field, before anything runs.
test_required_field() {
  rpc ConversationsService/MarkConversationRead "$WA_STAFF_TOKEN" '{"typing": true}'
  assert_ne 0 "$BUF_RC" "MarkConversationRead without conversation_id exits non-zero"
  assert_contains "$BUF_ERR" invalid_argument "the error is invalid_argument"
  assert_json "$BUF_ERR" \
    '[x["debug"]["details"]["field"] for x in d["details"] if x["type"] == "google.protobuf.Struct"] == ["conversation_id"]' \
    "the error names conversation_id"
}

run_case "list services through reflection" test_list_services
run_case "grpc.health.v1.Health/Check" test_health_check
run_case "SendMessage" test_send_message
run_case "GetWindowStatus" test_window_status
run_case "RPC errors exit non-zero" test_errors_exit_non_zero
run_case "ErrorDetail in buf's error" test_error_detail
run_case "a missing required field on gRPC" test_required_field
finish
