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

run_case "Node (REST, fetch)" test_node
run_case "Node types (TypeScript from the OpenAPI document)" test_node_types
run_case "Python (gRPC, grpcio)" test_python
run_case "shell (curl)" test_curl
run_case "shell (buf curl)" test_buf_curl
run_case "log lines" test_log_lines
finish
