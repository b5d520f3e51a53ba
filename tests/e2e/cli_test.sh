#!/usr/bin/env bash
# wa-cli against the live server over gRPC: sends, status, templates,
# uploads, a batch from CSV with its progress, errors as exit codes with
# their recovery options, and usage errors that say what to do.
# Needs WA_GRPC_ADDR, WA_ADMIN_TOKEN and WA_STAFF_TOKEN (set by run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_env WA_GRPC_ADDR WA_ADMIN_TOKEN WA_STAFF_TOKEN
make_tmp
trap cleanup EXIT

CLI="$REPO_ROOT/build/bin/wa-cli"
GUEST=+15550007001
export WA_ADDR="$WA_GRPC_ADDR" WA_TOKEN="$WA_STAFF_TOKEN"

# cli ARGS...: runs wa-cli, keeping stdout, stderr and the exit code.
cli() {
  CLI_RC=0
  "$CLI" "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || CLI_RC=$?
  CLI_OUT="$(cat "$E2E_TMP/out")"
  CLI_ERR="$(cat "$E2E_TMP/err")"
}

test_help() {
  cli --help
  assert_eq 0 "$CLI_RC" "wa-cli --help exits 0"
  assert_contains "$CLI_OUT" send-template "the help lists the commands"
  cli resolve --help
  assert_contains "$CLI_OUT" "--satisfaction_rating" "a command's help lists its request's fields"
  cli no-such-command
  assert_eq 2 "$CLI_RC" "an unknown command is a usage error (2)"
  cli send --help
  assert_contains "$CLI_OUT" "--content  TextContent  (required)" "--help marks required fields"
  assert_contains "$CLI_OUT" "--message_type  MessageType: text" "--help lists an enum's accepted values"
}

# Usage errors say what to do: the nearest command or flag, the usage, exit 2.
test_usage_errors() {
  cli sned --guest_phone="$GUEST"
  assert_eq 2 "$CLI_RC" "a misspelt command exits 2"
  assert_contains "$CLI_ERR" "did you mean 'send'?" "a misspelt command gets the nearest one"
  cli send --guest_phone="$GUEST" --text=Hello
  assert_eq 2 "$CLI_RC" "an unknown flag exits 2"
  assert_contains "$CLI_ERR" "did you mean --content.text?" "an unknown flag gets the nearest one"
  assert_contains "$CLI_ERR" "usage: wa-cli send" "and the command's usage"
  cli status
  assert_eq 2 "$CLI_RC" "status without an id is a usage error, not NOT_FOUND"
  assert_contains "$CLI_ERR" "status needs its message_id" "the missing id is named"
  cli send --guest_phone="$GUEST"
  assert_eq 2 "$CLI_RC" "a missing required field is a usage error"
  assert_contains "$CLI_ERR" '`content` is required' "the missing field is named"
  cli call hotel.whatsapp.v1.NoService/Nothing
  assert_eq 2 "$CLI_RC" "call to an unknown method exits 2"
  assert_contains "$CLI_ERR" "no method" "call names the unknown method"
}

test_connection_errors_name_the_address() {
  WA_ADDR=127.0.0.1:1 cli conversations
  assert_eq 14 "$CLI_RC" "an unreachable server exits 14 (UNAVAILABLE)"
  assert_contains "$CLI_ERR" "--addr" "the error names --addr"
  assert_contains "$CLI_ERR" "WA_ADDR" "the error names WA_ADDR"
}

test_inbound_and_window() {
  cli --json --token="$WA_ADMIN_TOKEN" inbound --guest_phone=+15550007002 --text="Hi from inbound"
  assert_eq 0 "$CLI_RC" "inbound (sandbox, admin) exits 0"
  local conv
  conv="$(json_get "$CLI_OUT" conversation_id)"
  cli --json window "$conv"
  assert_eq 0 "$CLI_RC" "window exits 0"
  assert_json_field "$CLI_OUT" within_window true "the guest's message opened the window"
  cli send --guest_phone=+15550007003 --content.text=x
  assert_eq 9 "$CLI_RC" "outside the window exits 9 (FAILED_PRECONDITION)"
  assert_contains "$CLI_ERR" "  - Use approved template message" "errors print their recovery options"
}

test_sends_and_status() {
  cli --token="$WA_ADMIN_TOKEN" call /hotel.whatsapp.v1.SandboxService/SimulateInbound \
    --guest_phone="$GUEST" --text="Hello from the CLI test"
  assert_eq 0 "$CLI_RC" "call SimulateInbound (admin) exits 0"
  cli --json send --guest_phone="$GUEST" --content.text="Your room is ready"
  assert_eq 0 "$CLI_RC" "send exits 0"
  assert_json_field "$CLI_OUT" status queued "send prints the queued message"
  local id
  id="$(json_get "$CLI_OUT" message_id)"
  cli --json status "$id"
  assert_json_field "$CLI_OUT" message_id "$id" "status takes the id as a word"
  cli --json send-template --guest_phone="$GUEST" --template_name=service_followup \
    --language=en --parameters.guest_name=Ana --parameters.service_type=Spa
  assert_json_field "$CLI_OUT" status queued "send-template with --parameters.NAME=VALUE"
}

# Scheduled sends (README, "Scheduled sends"): --at, list, cancel.
test_scheduled_sends() {
  local at until
  at="$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"
  until="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
  cli --json send --guest_phone="$GUEST" --content.text="See you tomorrow" --at="$at" \
    --valid-until="$until"
  assert_eq 0 "$CLI_RC" "send --at exits 0"
  assert_json_field "$CLI_OUT" status scheduled "send --at prints the scheduled message"
  local id
  id="$(json_get "$CLI_OUT" message_id)"
  cli --json messages --status=scheduled --guest_phone="$GUEST"
  assert_json "$CLI_OUT" "[m['message_id'] for m in d['messages']] == ['$id']" \
    "messages --status=scheduled lists it"
  cli --json cancel "$id" --reason="stay cancelled"
  assert_json_field "$CLI_OUT" status cancelled "cancel takes the id as a word"
  cli cancel "$id"
  assert_eq 9 "$CLI_RC" "cancelling it again exits 9 (FAILED_PRECONDITION)"
  cli send --guest_phone="$GUEST" --content.text=x --at=tomorrow
  assert_eq 3 "$CLI_RC" "a malformed --at exits 3 (INVALID_ARGUMENT)"
}

test_errors_are_exit_codes() {
  cli template no_such_template
  assert_eq 5 "$CLI_RC" "an unknown template exits 5 (NOT_FOUND)"
  assert_contains "$CLI_ERR" TEMPLATE_NOT_FOUND "stderr names the contract's code"
  WA_TOKEN= cli conversations
  assert_eq 16 "$CLI_RC" "no token exits 16 (UNAUTHENTICATED)"
  cli send --guest_phone=12 --content.text=x
  assert_eq 3 "$CLI_RC" "a bad phone exits 3 (INVALID_ARGUMENT)"
  assert_contains "$CLI_ERR" INVALID_PHONE_NUMBER "stderr names INVALID_PHONE_NUMBER"
}

test_upload_and_send_media() {
  printf '%%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%%%EOF\n' >"$E2E_TMP/folio.pdf"
  cli --json upload --file="$E2E_TMP/folio.pdf" --media_type=document
  assert_json_field "$CLI_OUT" mime_type application/pdf "upload streams the file"
  cli --json send-media --guest_phone="$GUEST" --media_type=document --file="$E2E_TMP/folio.pdf" \
    --caption="Your folio"
  assert_json_field "$CLI_OUT" status queued "send-media --file uploads, then sends"
}

test_batch_from_csv() {
  printf 'phone,content\n%s,"Breakfast is served until 11, see you there"\n12,"bad phone"\n' \
    "$GUEST" >"$E2E_TMP/batch.csv"
  cli --json batch --csv="$E2E_TMP/batch.csv" --rate_limit.messages_per_second=10
  assert_eq 0 "$CLI_RC" "batch exits 0"
  local first last
  first="$(head -1 <<<"$CLI_OUT")"
  last="$(tail -1 <<<"$CLI_OUT")"
  assert_json "$first" 'd["accepted"] == 1 and d["rejected"] == 1' \
    "the invalid row is refused alone"
  assert_json "$last" 'd["status"] == "completed" and d["total"] == 2' \
    "the batch is followed to its end"
  assert_json "$last" 'd["sent"] == 1 and d["failed"] == 1 and d["queued"] == 0 and len(d["items"]) == 2' \
    "it ends with the real funnel and its items"
  assert_contains "$CLI_ERR" "2/2" "a progress bar on stderr"
  assert_contains "$CLI_ERR" "failed INVALID_PHONE_NUMBER" "each item's status as it goes"
  assert_contains "$CLI_ERR" "#0 $GUEST " "the valid item is shown as it goes"
}

# The sends above are in the audit log, which an admin reads with `audit`.
test_audit_log() {
  cli --json --token="$WA_ADMIN_TOKEN" audit --method=SendMessage --page_size=5
  assert_eq 0 "$CLI_RC" "audit (admin) exits 0"
  assert_json "$CLI_OUT" 'len(d["events"]) >= 1 and all(e["method"].endswith(".SendMessage") for e in d["events"])' \
    "the audit log lists the sends"
  assert_json "$CLI_OUT" 'any(e["code"] == "OK" and e["resources"].get("message_id", "").startswith("msg_") for e in d["events"])' \
    "with the message's id and the outcome"
  cli audit
  assert_eq 7 "$CLI_RC" "audit with a staff token is PERMISSION_DENIED (7)"
}

# A staff token reads its own property (the shared server's `default`,
# which has no WhatsApp number in the sandbox).
test_property() {
  cli --json property
  assert_eq 0 "$CLI_RC" "property (staff) exits 0"
  assert_json "$CLI_OUT" 'd["property_id"] == "default" and d["time_zone"] == "UTC" and d["phone_numbers"] == []' \
    "the staff token's property, in UTC, without numbers"
}

# watch follows the property from a cursor and prints one JSON object a
# line with --json; the kinds filter keeps only the guest's messages.
test_watch() {
  cli events --page_size=1
  assert_eq 0 "$CLI_RC" "wa-cli events exits 0"
  local start
  start="$(json_get "$CLI_OUT" latest_cursor)"
  timeout 3 "$CLI" --json watch --events=inbound_message --after_cursor="$start" \
    >"$E2E_TMP/watch" 2>"$E2E_TMP/watch.err" &
  local watch_pid=$!
  sleep 0.5
  simulate_inbound "$WA_ADMIN_TOKEN" +15550007002 "watch me" >/dev/null
  wait "$watch_pid" || true
  local line
  line="$(head -1 "$E2E_TMP/watch")"
  assert_json "$line" 'd["event"] == "inbound_message" and d["data"]["message_content"] == "watch me"
    and int(d["cursor"]) > '"$start" "wa-cli watch --json prints the guest's message"
}

# Automation rules (admin). The rule stays disabled: the shared server's
# other tests must not get automatic replies.
test_automation_rules() {
  cli --json --token="$WA_ADMIN_TOKEN" add-rule --name='CLI towels' --match.keywords=toalla \
    --match.keywords=towel --data='{"actions": [{"assign": {"department": "housekeeping"}}]}'
  assert_eq 0 "$CLI_RC" "add-rule exits 0"
  assert_json "$CLI_OUT" 'd["rule_id"].startswith("rul_") and d["enabled"] == False and d["cooldown"] == "3600s"' \
    "the rule, disabled, with the default cooldown"
  cli --json --token="$WA_ADMIN_TOKEN" rules
  assert_json "$CLI_OUT" 'd["rules"][-1]["name"] == "CLI towels" and len(d["rules"]) >= 4' \
    "rules lists it last, after the starter set"
  local ids
  ids="$("$PY" -c 'import json,sys; print(" ".join("--rule_ids=" + r["rule_id"] for r in reversed(json.load(sys.stdin)["rules"])))' <<<"$CLI_OUT")"
  # shellcheck disable=SC2086
  cli --json --token="$WA_ADMIN_TOKEN" reorder-rules $ids
  assert_json "$CLI_OUT" 'd["rules"][0]["name"] == "CLI towels" and d["rules"][0]["position"] == 1' \
    "reorder-rules puts it first"
  cli --json --token="$WA_ADMIN_TOKEN" test-rules --message.text='¿Me trae más toallas, por favor?' \
    --at=2026-12-07T23:10:00Z
  assert_eq 0 "$CLI_RC" "test-rules exits 0"
  assert_json "$CLI_OUT" 'd["matches"] == [] and d["detected_language"] == "es"' \
    "the dry run: no enabled rule matches, the language is read"
  cli rules
  assert_eq 7 "$CLI_RC" "rules with a staff token is PERMISSION_DENIED (7)"
}

run_case "help" test_help
run_case "watch" test_watch
run_case "usage errors" test_usage_errors
run_case "connection errors" test_connection_errors_name_the_address
run_case "inbound and window" test_inbound_and_window
run_case "sends and status" test_sends_and_status
run_case "scheduled sends" test_scheduled_sends
run_case "errors are exit codes" test_errors_are_exit_codes
run_case "upload and send-media" test_upload_and_send_media
run_case "batch from CSV" test_batch_from_csv
run_case "audit log" test_audit_log
run_case "property" test_property
run_case "automation rules" test_automation_rules
finish
