#!/usr/bin/env bash
# Durability across crashes: messages, statuses and timestamps survive a
# SIGKILL, and a message accepted just before the kill is still sent after
# restart (the send queue resumes). Starts servers of its own on one data dir.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
make_tmp
trap cleanup EXIT

API=/api/v1/whatsapp
DATA_DIR="$E2E_TMP/data"
GUEST=+15550003001
CONV=conv_restart_001
MESSAGE_COUNT=5
IDS=()

# snapshot_file ID: where a message's status answer before the crash is kept.
snapshot_file() { printf '%s/status-%s.json' "$E2E_TMP" "$1"; }

setup_server() {
  mkdir -p "$DATA_DIR"
  start_server "$DATA_DIR"
  ADMIN="$(create_token "$DATA_DIR" admin restart-admin)"
  STAFF="$(create_token "$DATA_DIR" staff restart-staff)"
  log "server 1: pid $SERVER_PID http=$WA_HTTP_ADDR"
}

restart_after_kill() {
  local old_pid="$SERVER_PID"
  crash_server
  log "killed pid $old_pid with SIGKILL"
  start_server "$DATA_DIR"
  log "server $SERVER_STARTS: pid $SERVER_PID http=$WA_HTTP_ADDR (same data dir)"
}

test_send_and_read_before_crash() {
  simulate_inbound "$ADMIN" "$GUEST" "Hello, is breakfast included?" "$CONV"
  assert_status 200 "sandbox inbound for $GUEST"
  local i id
  for ((i = 1; i <= MESSAGE_COUNT; i++)); do
    send_text "$STAFF" "$GUEST" "Restart test message $i" "$CONV"
    assert_status 200 "send message $i"
    id="$(json_get "$HTTP_BODY" message_id)"
    IDS+=("$id")
  done
  for id in "${IDS[@]}"; do
    if wait_for_status "$STAFF" "$id" read 15; then
      pass_check "$id reached read"
      printf '%s' "$HTTP_BODY" >"$(snapshot_file "$id")"
    else
      fail_check "$id reached read within 15 s" "seen: $SEEN_STATUSES" "last: $HTTP_BODY"
    fi
  done
  http_call GET "$API/conversations/$CONV" "$STAFF"
  printf '%s' "$HTTP_BODY" >"$E2E_TMP/conversation-before.json"
}

test_everything_survives_sigkill() {
  restart_after_kill
  local id before
  for id in "${IDS[@]}"; do
    http_call GET "$API/messages/$id/status" "$STAFF"
    assert_status 200 "status of $id after restart"
    before="$(cat "$(snapshot_file "$id")" 2>/dev/null || echo '{}')"
    if [[ "$(canonical_json "$HTTP_BODY")" == "$(canonical_json "$before")" ]]; then
      pass_check "$id: status and timestamps unchanged (read)"
    else
      fail_check "$id: status and timestamps unchanged" "before: $before" "after:  $HTTP_BODY"
    fi
  done

  http_call GET "$API/conversations/$CONV" "$STAFF"
  assert_status 200 "GET conversation $CONV after restart"
  local ids_json
  ids_json="$("$PY" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${IDS[@]}")"
  assert_json "$HTTP_BODY" "[m['message_id'] for m in d['messages'] if m['direction'] == 'outbound'] == $ids_json" \
    "the conversation still lists the $MESSAGE_COUNT messages in order"
  assert_json "$HTTP_BODY" "d['message_count'] == $((MESSAGE_COUNT + 1)) and d['messages'][0]['direction'] == 'inbound'" \
    "the guest's inbound is still first; message_count $((MESSAGE_COUNT + 1))"
  local before_messages after_messages
  before_messages="$(json_get "$(cat "$E2E_TMP/conversation-before.json")" messages)"
  after_messages="$(json_get "$HTTP_BODY" messages)"
  assert_eq "$(canonical_json "$before_messages")" "$(canonical_json "$after_messages")" \
    "every message in the history is identical after restart"

  http_call GET "$API/conversations?guest_phone=%2B15550003001&status=active" "$STAFF"
  assert_json "$HTTP_BODY" "[c['conversation_id'] for c in d['conversations']] == ['$CONV']" \
    "the guest's conversation is still listed"
}

test_queue_resumes_after_sigkill() {
  send_text "$STAFF" "$GUEST" "Sent right before the crash" "$CONV"
  assert_status 200 "send a message, then SIGKILL at once"
  local id
  id="$(json_get "$HTTP_BODY" message_id)"
  restart_after_kill

  http_call GET "$API/messages/$id/status" "$STAFF"
  assert_status 200 "the accepted message $id exists after restart"
  log "status right after restart: $(json_get "$HTTP_BODY" status)"
  if wait_for_status "$STAFF" "$id" read 15; then
    pass_check "$id reached read after restart (seen: $SEEN_STATUSES)"
  else
    fail_check "$id reached read within 15 s of restart" "seen: $SEEN_STATUSES" "last: $HTTP_BODY"
  fi
  assert_json "$HTTP_BODY" 'all(is_ts(d[k]) for k in ("sent_at", "delivered_at", "read_at")) and d["failure_reason"] == ""' \
    "sent_at, delivered_at, read_at set; no failure"
  http_call GET "$API/conversations/$CONV" "$STAFF"
  assert_json "$HTTP_BODY" "d['messages'][-1]['message_id'] == '$id'" "it is the newest message of the conversation"
}

# canonical_json JSON: the document re-serialized with sorted keys.
canonical_json() {
  "$PY" -c 'import json, sys
try: print(json.dumps(json.loads(sys.argv[1]), sort_keys=True))
except ValueError: print("<invalid json> " + sys.argv[1])' "$1"
}

setup_server
run_case "5 messages sent and read" test_send_and_read_before_crash
run_case "SIGKILL: messages, statuses, timestamps survive" test_everything_survives_sigkill
run_case "SIGKILL right after accepting: the queue resumes" test_queue_resumes_after_sigkill
finish
