#!/usr/bin/env bash
# Runs every example of clients/examples against a live sandbox server of
# its own, so they cannot rot: each must exit 0 after its last flow, and the
# server must then hold what it did (its guest's resolved conversation, its
# webhook URL). A server log line per request must carry the request id.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
make_tmp
trap cleanup EXIT

EXAMPLES="$REPO_ROOT/clients/examples"
API=/api/v1/whatsapp
DATA_DIR="$E2E_TMP/data"
mkdir -p "$DATA_DIR"
start_server "$DATA_DIR"
ADMIN="$(create_token "$DATA_DIR" admin examples-admin)"
log "examples server: pid $SERVER_PID grpc=$WA_GRPC_ADDR http=$WA_HTTP_ADDR"
# A loopback URL nothing listens on: stored, unverified, no DNS lookup.
CLOSED_PORT="$(
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
)"

# run_example NAME GUEST COMMAND...: runs one example with the environment a
# user would set, then checks what it left on the server.
run_example() {
  local name="$1" guest="$2"
  shift 2
  local webhook="http://127.0.0.1:$CLOSED_PORT/hooks/$name" out rc=0
  out="$(WA_REST_URL="http://$WA_HTTP_ADDR" WA_ADDR="$WA_GRPC_ADDR" WA_TOKEN="$ADMIN" \
    WA_GUEST_PHONE="$guest" WA_WEBHOOK_URL="$webhook" BUF="$BUF" \
    timeout 90 "$@" 2>&1)" || rc=$?
  if ((rc == 0)); then
    pass_check "$name exits 0"
  else
    fail_check "$name exits 0" "exit $rc" "output: ${out: -1500}"
  fi
  assert_contains "$out" "all flows done" "$name ran every flow"

  http_call GET "$API/conversations?guest_phone=${guest/+/%2B}&status=resolved" "$ADMIN"
  assert_json "$HTTP_BODY" 'len(d["conversations"]) == 1' "$name resolved its guest's conversation"
  http_call GET "$API/conversations?guest_phone=${guest/+/%2B}" "$ADMIN"
  assert_json "$HTTP_BODY" 'd["conversations"][0]["message_count"] >= 5' \
    "$name's conversation holds the guest's message and the staff's answers"
  http_call GET "$API/webhooks/config" "$ADMIN"
  assert_json_field "$HTTP_BODY" webhook_url "$webhook" "$name configured the webhook"
}

test_node() { run_example node +15550009001 node "$EXAMPLES/node/hotel_flows.mjs"; }
test_python() {
  run_example python +15550009002 env PYTHONPATH="$WA_PYTHON_CLIENT" "$PY" \
    "$EXAMPLES/python/hotel_flows.py"
}
# The Node example's request bodies against the TypeScript types the build
# generated from the OpenAPI document (tsc from clients/typescript).
test_node_types() {
  local tsc="$REPO_ROOT/clients/typescript/node_modules/.bin/tsc"
  local types="$WA_PYTHON_CLIENT/../typescript/hotel-whatsapp.d.ts" out rc=0
  [[ -x "$tsc" && -f "$types" ]] || { fail_check "tsc and the generated types exist" "$tsc $types"; return; }
  local config="$EXAMPLES/node/tsconfig.e2e.json"
  printf '{"extends": "./tsconfig.json", "compilerOptions": {"paths": {"hotel-whatsapp": ["%s"]}}}\n' \
    "$(realpath "$types")" >"$config"
  out="$("$tsc" -p "$config" 2>&1)" || rc=$?
  rm -f "$config"
  assert_eq 0 "$rc" "tsc finds the Node example's bodies typed right: ${out:0:600}"
}
test_curl() { run_example curl +15550009003 "$EXAMPLES/shell/curl_flows.sh"; }
test_buf_curl() { run_example buf_curl +15550009004 "$EXAMPLES/shell/buf_curl_flows.sh"; }

# The server's log: JSON lines, each REST call's X-Request-Id in its line.
test_log_lines() {
  local id
  id="$(curl -sS -D - -o /dev/null -H "Authorization: Bearer $ADMIN" -H 'X-Request-Id: e2e-examples-1' \
    "http://$WA_HTTP_ADDR$API/conversations?page_size=1" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "x-request-id" {print $2}')"
  assert_eq e2e-examples-1 "$id" "X-Request-Id is echoed"
  sleep 0.2
  local result
  result="$("$PY" - "$SERVER_ERR" <<'PYEOF'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
bad = [l for l in lines if not isinstance(json.loads(l), dict)]
ours = [json.loads(l) for l in lines if '"e2e-examples-1"' in l]
print("ok" if lines and not bad and any(o.get("msg") == "rpc" for o in ours) else
      "lines=%d bad=%d ours=%r" % (len(lines), len(bad), ours))
PYEOF
)" || result="a line is not JSON"
  assert_eq ok "$result" "every log line is JSON and the request's line has its id"
}

# The event subscribers: the Python gRPC one and the Node SSE one follow the
# property from a cursor, drop their connection every two events and resume,
# and must each print the six guest messages once, in order; curl -N reads
# the same SSE stream raw, resuming with Last-Event-ID.
test_event_subscribers() {
  local staff start i
  staff="$(create_token "$DATA_DIR" staff events-staff)"
  http_call GET "$API/events?page_size=1" "$staff"
  assert_status 200 "ListEvents answers"
  start="$(json_get "$HTTP_BODY" latest_cursor)"
  local common=(WA_TOKEN="$staff" WA_EVENTS=inbound_message WA_AFTER_CURSOR="$start"
    WA_MAX_EVENTS=6 WA_DROP_EVERY=2)
  env "${common[@]}" WA_ADDR="$WA_GRPC_ADDR" timeout 60 "$PY"     "$EXAMPLES/python/event_subscriber.py" >"$E2E_TMP/py_events" 2>"$E2E_TMP/py_events.err" &
  local py_pid=$!
  env "${common[@]}" WA_REST_URL="http://$WA_HTTP_ADDR" timeout 60 node     "$EXAMPLES/node/event_subscriber.mjs" >"$E2E_TMP/node_events" 2>"$E2E_TMP/node_events.err" &
  local node_pid=$!
  curl -sS -N --max-time 8 -H "Authorization: Bearer $staff" -H "Last-Event-ID: $start" \
    "http://$WA_HTTP_ADDR$API/events/stream?events=inbound_message" >"$E2E_TMP/curl_events" \
    2>"$E2E_TMP/curl_events.err" &
  local curl_pid=$!
  sleep 1
  for i in 1 2 3 4 5 6; do
    simulate_inbound "$ADMIN" +15550009010 "event e2e $i" >/dev/null
  done
  local rc
  for pid in $py_pid $node_pid; do
    rc=0
    wait "$pid" || rc=$?
    assert_eq 0 "$rc" "subscriber $pid exits after six events"
  done
  wait "$curl_pid" || true
  local check='
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
texts = [l["data"]["message_content"] for l in lines]
cursors = [int(l["cursor"]) for l in lines]
ok = texts == ["event e2e %d" % i for i in range(1, 7)] and cursors == sorted(set(cursors))
print("ok" if ok else "got %r %r" % (texts, cursors))'
  assert_eq ok "$("$PY" -c "$check" "$E2E_TMP/py_events")" \
    "Python gRPC subscriber: six events once, in order, across 3 reconnects"
  assert_eq ok "$("$PY" -c "$check" "$E2E_TMP/node_events")" \
    "Node SSE subscriber: six events once, in order, across 3 reconnects"
  local raw
  raw="$(cat "$E2E_TMP/curl_events")"
  assert_eq 6 "$(grep -c '^event: inbound_message$' <<<"$raw")" "curl -N: six SSE events"
  assert_contains "$raw" ": keep-alive" "curl -N: the opening keep-alive"
  assert_eq "$((start + 1))" "$(awk '/^id: /{id=$2} /^event: /{print id; exit}' <<<"$raw")" \
    "curl -N: Last-Event-ID resumes right after it"
}

run_case "event subscribers (gRPC, SSE, curl -N)" test_event_subscribers
run_case "Node (REST, fetch)" test_node
run_case "Node types (TypeScript from the OpenAPI document)" test_node_types
run_case "Python (gRPC, grpcio)" test_python
run_case "shell (curl)" test_curl
run_case "shell (buf curl)" test_buf_curl
run_case "log lines" test_log_lines
finish
