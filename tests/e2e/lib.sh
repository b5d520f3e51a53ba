# Shared helpers for the end-to-end tests: starting and stopping wa-server,
# calling its REST surface with curl, and asserting on JSON answers.
# Sourced by `run` and by each test script; it never exits on its own except
# where a helper says so (`die`).

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$E2E_DIR/../.." && pwd)"
WA_SERVER_BIN="${WA_SERVER_BIN:-$REPO_ROOT/build/bin/wa-server}"
# The Python client library the build makes (README, "Calling from your code").
WA_PYTHON_CLIENT="${WA_PYTHON_CLIENT:-$(dirname "$WA_SERVER_BIN")/../clients/python}"
export WA_PYTHON_CLIENT
# Debian's interpreter: the pyenv python3 on PATH cannot import grpc.
PY="${WA_PYTHON:-/usr/bin/python3}"
BUF="$E2E_DIR/node_modules/.bin/buf"
SERVER_READY_TIMEOUT="${SERVER_READY_TIMEOUT:-15}"

# ---------------------------------------------------------------------------
# Output and failure bookkeeping

FAILURES=0
CHECKS=0

log() { printf '  %s\n' "$*"; }
die() { printf 'FATAL: %s\n' "$*" >&2; exit 2; }

pass_check() { CHECKS=$((CHECKS + 1)); printf '    ok   %s\n' "$1"; }
fail_check() {
  CHECKS=$((CHECKS + 1))
  FAILURES=$((FAILURES + 1))
  printf '    FAIL %s\n' "$1"
  shift
  local line
  for line in "$@"; do printf '         %s\n' "$line"; done
}

# Runs one named test case (a function) and prints PASS/FAIL for it. Assertions
# inside record failures and carry on, so one run shows every broken check.
run_case() {
  local name="$1"
  shift
  local before=$FAILURES
  printf '  [%s]\n' "$name"
  "$@"
  if ((FAILURES > before)); then
    printf '  FAIL %s\n' "$name"
  else
    printf '  PASS %s\n' "$name"
  fi
}

# Ends a test script: non-zero when any check failed.
finish() {
  if ((FAILURES > 0)); then
    printf '  %d of %d checks failed\n' "$FAILURES" "$CHECKS"
    exit 1
  fi
  printf '  all %d checks passed\n' "$CHECKS"
  exit 0
}

require_env() {
  local name
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || die "environment variable $name is not set (run tests/e2e/run)"
  done
}

# ---------------------------------------------------------------------------
# Assertions (record and continue)

assert_eq() {
  local expected="$1" actual="$2" what="$3"
  if [[ "$expected" == "$actual" ]]; then
    pass_check "$what"
  else
    fail_check "$what" "expected: $expected" "actual:   $actual"
  fi
}

assert_ne() {
  local unexpected="$1" actual="$2" what="$3"
  if [[ "$unexpected" != "$actual" ]]; then
    pass_check "$what"
  else
    fail_check "$what" "did not expect: $actual"
  fi
}

assert_contains() {
  local haystack="$1" needle="$2" what="$3"
  if [[ "$haystack" == *"$needle"* ]]; then
    pass_check "$what"
  else
    fail_check "$what" "expected to contain: $needle" "actual: ${haystack:0:600}"
  fi
}

# ---------------------------------------------------------------------------
# JSON, through Python (robust, no new dependency)

# json_get JSON PATH: prints the value at a dotted path ("error.code",
# "messages.0.direction"); strings raw, anything else as JSON; "<missing>" if
# the path does not exist and "<invalid json>" if JSON does not parse.
json_get() {
  "$PY" - "$1" "$2" <<'EOF'
import json, sys
try:
    value = json.loads(sys.argv[1])
except ValueError:
    print("<invalid json>"); sys.exit(0)
for part in sys.argv[2].split(".") if sys.argv[2] else []:
    if isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
        value = value[int(part)]
    elif isinstance(value, dict) and part in value:
        value = value[part]
    else:
        print("<missing>"); sys.exit(0)
print(value if isinstance(value, str) else json.dumps(value))
EOF
}

# assert_json_field JSON PATH EXPECTED [WHAT]
assert_json_field() {
  local json="$1" path="$2" expected="$3" what="${4:-$2 == $3}"
  local actual
  actual="$(json_get "$json" "$path")"
  if [[ "$actual" == "$expected" ]]; then
    pass_check "$what"
  else
    fail_check "$what" "path $path: expected $expected, got $actual" "body: ${json:0:600}"
  fi
}

# assert_json JSON PYTHON_EXPR WHAT: the expression sees the parsed document
# as `d` plus helpers: ts(s) parses an RFC 3339 UTC timestamp (None if it is
# not one), is_ts(s), now() (aware UTC datetime), keys(obj) (set of keys),
# timedelta, and re.
assert_json() {
  local json="$1" expr="$2" what="$3" out
  out="$("$PY" - "$json" "$expr" <<'EOF'
import json, re, sys
from datetime import datetime, timedelta, timezone

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")

def ts(s):
    if not isinstance(s, str) or not RFC3339_UTC.match(s):
        return None
    base, _, frac = s[:-1].partition(".")
    t = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return t + timedelta(microseconds=int((frac + "000000")[:6])) if frac else t

def is_ts(s):
    return ts(s) is not None

def now():
    return datetime.now(timezone.utc)

def keys(obj):
    return set(obj.keys()) if isinstance(obj, dict) else set()

try:
    d = json.loads(sys.argv[1])
except ValueError as e:
    print("invalid JSON: %s" % e); sys.exit(0)
try:
    # Parenthesized so an expression may span lines.
    ok = eval("(" + sys.argv[2] + "\n)", {"d": d, "ts": ts, "is_ts": is_ts, "now": now, "keys": keys,
                            "timedelta": timedelta, "re": re})
except Exception as e:
    print("expression raised %s: %s" % (type(e).__name__, e)); sys.exit(0)
print("true" if ok else "false")
EOF
)"
  if [[ "$out" == "true" ]]; then
    pass_check "$what"
  else
    fail_check "$what" "check: $expr" "result: $out" "body: ${json:0:800}"
  fi
}

# assert_error_body JSON CODE: the reference's error envelope with this code.
assert_error_body() {
  local json="$1" code="$2"
  assert_json_field "$json" error.code "$code" "error.code is $code"
  assert_json "$json" 'keys(d) == {"error"} and keys(d["error"]) == {"code", "message", "details", "recovery_options"}' \
    "error envelope has exactly code, message, details, recovery_options"
  assert_json "$json" 'isinstance(d["error"]["message"], str) and d["error"]["message"] != ""' \
    "error.message is a non-empty string"
  assert_json "$json" 'isinstance(d["error"]["details"], dict) and isinstance(d["error"]["recovery_options"], list)' \
    "error.details is an object and error.recovery_options an array"
}

# RFC 3339 UTC timestamp, whole seconds, HOURS hours ago.
timestamp_hours_ago() {
  "$PY" -c 'import sys; from datetime import datetime, timedelta, timezone
print((datetime.now(timezone.utc) - timedelta(hours=float(sys.argv[1]))).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"
}

# ---------------------------------------------------------------------------
# REST calls

# http_call METHOD PATH [TOKEN] [BODY]: sets HTTP_STATUS, HTTP_CONTENT_TYPE
# and HTTP_BODY. An empty TOKEN sends no Authorization header; a BODY is sent
# as application/json. Needs WA_HTTP_ADDR (host:port) and E2E_TMP.
http_call() {
  local method="$1" path="$2" token="${3:-}" body="${4-}"
  local -a args=(-sS -X "$method" -o "$E2E_TMP/http_body" -w '%{http_code} %{content_type}'
    --max-time 10)
  if [[ -n "$token" ]]; then
    args+=(-H "Authorization: Bearer $token")
  fi
  if [[ $# -ge 4 ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$body")
  fi
  # One extra header for the call, e.g. HTTP_EXTRA_HEADER="Idempotency-Key: k1".
  if [[ -n "${HTTP_EXTRA_HEADER:-}" ]]; then
    args+=(-H "$HTTP_EXTRA_HEADER")
  fi
  local written
  written="$(curl "${args[@]}" "http://$WA_HTTP_ADDR$path")" || written="curl-error"
  HTTP_STATUS="${written%% *}"
  HTTP_CONTENT_TYPE="${written#* }"
  HTTP_BODY="$(cat "$E2E_TMP/http_body" 2>/dev/null || true)"
  rm -f "$E2E_TMP/http_body"
}

# assert_status EXPECTED WHAT: checks the last http_call.
assert_status() {
  local expected="$1" what="$2"
  if [[ "$HTTP_STATUS" == "$expected" ]]; then
    pass_check "$what -> HTTP $expected"
  else
    fail_check "$what -> HTTP $expected" "actual HTTP $HTTP_STATUS" "body: ${HTTP_BODY:0:600}"
  fi
}

# simulate_inbound TOKEN PHONE TEXT [CONVERSATION_ID] [TIMESTAMP]
simulate_inbound() {
  local token="$1" phone="$2" text="$3" conv="${4:-}" when="${5:-}"
  local body
  body="$("$PY" -c 'import json, sys
b = {"guest_phone": sys.argv[1], "text": sys.argv[2]}
if sys.argv[3]: b["conversation_id"] = sys.argv[3]
if sys.argv[4]: b["timestamp"] = sys.argv[4]
print(json.dumps(b))' "$phone" "$text" "$conv" "$when")"
  http_call POST /api/v1/whatsapp/sandbox/inbound "$token" "$body"
}

# send_text TOKEN PHONE TEXT [CONVERSATION_ID]: POST /messages/send.
send_text() {
  local token="$1" phone="$2" text="$3" conv="${4:-}"
  local body
  body="$("$PY" -c 'import json, sys
b = {"guest_phone": sys.argv[1], "message_type": "text", "content": {"text": sys.argv[2]}}
if sys.argv[3]: b["conversation_id"] = sys.argv[3]
print(json.dumps(b))' "$phone" "$text" "$conv")"
  http_call POST /api/v1/whatsapp/messages/send "$token" "$body"
}

# wait_for_status TOKEN MESSAGE_ID STATUS [TIMEOUT_S]: polls GET .../status
# until it answers STATUS; leaves the last answer in HTTP_BODY and the
# sequence of distinct statuses seen in SEEN_STATUSES. Returns 1 on timeout.
wait_for_status() {
  local token="$1" id="$2" want="$3" timeout="${4:-10}"
  local deadline=$((SECONDS + timeout)) status last=""
  SEEN_STATUSES=""
  while :; do
    http_call GET "/api/v1/whatsapp/messages/$id/status" "$token"
    status="$(json_get "$HTTP_BODY" status)"
    if [[ "$status" != "$last" ]]; then
      SEEN_STATUSES="${SEEN_STATUSES:+$SEEN_STATUSES }$status"
      last="$status"
    fi
    [[ "$HTTP_STATUS" == 200 && "$status" == "$want" ]] && return 0
    ((SECONDS >= deadline)) && return 1
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------
# Server lifecycle

# make_tmp: a private scratch dir for this script, removed on exit.
make_tmp() {
  E2E_TMP="$(mktemp -d "${TMPDIR:-/tmp}/wa-e2e.XXXXXX")"
  export E2E_TMP
}

# create_token DATA_DIR ROLE NAME [PROPERTY]: prints the token.
create_token() {
  local dir="$1" role="$2" name="$3" property="${4:-}"
  local -a args=(tokens create "--role=$role" "--name=$name" "--data_dir=$dir")
  if [[ -n "$property" ]]; then
    args+=("--property=$property")
  fi
  local token
  token="$("$WA_SERVER_BIN" "${args[@]}")" || die "tokens create --role=$role failed"
  [[ -n "$token" ]] || die "tokens create --role=$role printed nothing"
  printf '%s\n' "$token"
}

# start_server DATA_DIR [EXTRA FLAGS...]: starts wa-server on ephemeral
# ports, waits for its ready line and sets SERVER_PID, GRPC_PORT, HTTP_PORT.
# Output goes to DATA_DIR/../server-N.log so restarts keep earlier logs.
SERVER_PID=""
SERVER_STARTS=0
start_server() {
  local dir="$1"
  shift
  [[ -x "$WA_SERVER_BIN" ]] || die "no server binary at $WA_SERVER_BIN (run scripts/build)"
  SERVER_STARTS=$((SERVER_STARTS + 1))
  SERVER_LOG="$E2E_TMP/server-$SERVER_STARTS.out"
  SERVER_ERR="$E2E_TMP/server-$SERVER_STARTS.err"
  "$WA_SERVER_BIN" "--data_dir=$dir" --grpc_listen=127.0.0.1:0 --http_listen=127.0.0.1:0 \
    --sandbox_status_delay=200ms --reconcile_grace=2s "$@" >"$SERVER_LOG" 2>"$SERVER_ERR" &
  SERVER_PID=$!
  local deadline=$((SECONDS + SERVER_READY_TIMEOUT)) line=""
  while ((SECONDS < deadline)); do
    line="$(grep -m1 '"msg":"wa-server listening ' "$SERVER_LOG" 2>/dev/null || true)"
    [[ -n "$line" ]] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" 2>/dev/null || true
      SERVER_PID=""
      die "wa-server exited before it was ready; stderr: $(tail -5 "$SERVER_ERR")"
    fi
    sleep 0.05
  done
  [[ -n "$line" ]] || die "wa-server printed no ready line within ${SERVER_READY_TIMEOUT}s"
  if [[ "$line" =~ grpc=([0-9]+)\ http=([0-9]+) ]]; then
    GRPC_PORT="${BASH_REMATCH[1]}"
    HTTP_PORT="${BASH_REMATCH[2]}"
  else
    die "cannot parse the ready line: $line"
  fi
  WA_GRPC_ADDR="127.0.0.1:$GRPC_PORT"
  WA_HTTP_ADDR="127.0.0.1:$HTTP_PORT"
  export WA_GRPC_ADDR WA_HTTP_ADDR
}

# stop_server: SIGTERM, then SIGKILL if it is still there after 10 s.
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  if kill -TERM "$SERVER_PID" 2>/dev/null; then
    local deadline=$((SECONDS + 10))
    while kill -0 "$SERVER_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# crash_server: SIGKILL, as a power cut would.
crash_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# cleanup: the EXIT trap of scripts that start servers.
cleanup() {
  stop_server
  if [[ -n "${E2E_TMP:-}" && -d "$E2E_TMP" ]]; then
    if [[ -n "${E2E_KEEP_TMP:-}" ]]; then
      printf '  kept scratch dir %s\n' "$E2E_TMP"
    else
      rm -rf "$E2E_TMP"
    fi
  fi
}
