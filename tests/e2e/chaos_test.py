#!/usr/bin/python3
"""Crash safety: keep sending through gRPC and REST while wa-server is killed
with SIGKILL at random moments and restarted on the same data directory.

wa-server runs with --provider=cloud against the fake Graph API
(build/bin/fake-graph-api), which answers sends like Meta and posts Meta's
signed status callbacks back, retrying while the server is down as Meta
does. The hotel's webhook is tests/fakes/webhook_receiver.py, which records
every event it receives by event_id.

Senders, half on each surface:
  * "retry" senders give every send an idempotency key and, when a send is
    interrupted (connection refused or reset, UNAVAILABLE, a timeout),
    repeat it with the same key until it is acknowledged;
  * "plain" senders send without a key and only note an interrupted send:
    its fate is unknown to the client, so it must exist at most once and,
    if it landed, reach the provider exactly once.

After the last kill the senders stop, the server is left to settle (held
sends reconciled by Meta's callbacks or resent after --reconcile_grace,
webhook events delivered) and then:
  * every acknowledged message exists exactly once in the database, reached
    the fake Graph API exactly once (by biz_opaque_callback_data, our
    message id) and was read;
  * every send, acknowledged or not, exists at most once (by its unique text);
  * every event in the server's outbox reached the receiver (by event_id)
    and each message's sent/delivered/read events exist once.
It prints sent, acknowledged, interrupted, landed, lost and duplicated and
fails unless lost and duplicated are 0.

    tests/e2e/chaos_test.py                    # short form (CI): 10 kills
    CHAOS_KILLS=50 tests/e2e/chaos_test.py   # the long form (about 4 minutes)
Environment: CHAOS_KILLS (10), CHAOS_MIN_UP / CHAOS_MAX_UP (seconds between
a restart and the next kill: 1.0 / 4.0), CHAOS_SENDERS (senders per surface
and mode: 2), CHAOS_RATE (sends per second in all: 50), CHAOS_GUESTS (100),
CHAOS_GRACE (--reconcile_grace: 20s), CHAOS_SEED (random), CHAOS_SETTLE
(seconds allowed to settle: 120), WA_SERVER_BIN, FAKE_GRAPH_BIN,
E2E_KEEP_TMP=1 keeps the scratch dir.
"""

import atexit
import glob
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import grpc

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_BIN = os.path.join(REPO_ROOT, "build", "bin")
WA_SERVER_BIN = os.environ.get("WA_SERVER_BIN", os.path.join(BUILD_BIN, "wa-server"))
FAKE_GRAPH_BIN = os.environ.get("FAKE_GRAPH_BIN",
                                os.path.join(os.path.dirname(WA_SERVER_BIN), "fake-graph-api"))
RECEIVER = os.path.join(REPO_ROOT, "tests", "fakes", "webhook_receiver.py")
PROTO_ROOT = os.path.join(REPO_ROOT, "proto")
GOOGLEAPIS = ("/usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway/"
              "third_party/googleapis")

KILLS = int(os.environ.get("CHAOS_KILLS", "10"))
MIN_UP = float(os.environ.get("CHAOS_MIN_UP", "1.0"))
MAX_UP = float(os.environ.get("CHAOS_MAX_UP", "4.0"))
SENDERS = int(os.environ.get("CHAOS_SENDERS", "2"))
# Total sends per second the senders aim at, kept within what the fake's
# single callback thread posts back (about three callbacks a send).
RATE = float(os.environ.get("CHAOS_RATE", "50"))
SEED = int(os.environ.get("CHAOS_SEED", str(random.randrange(1 << 30))))
SETTLE_S = float(os.environ.get("CHAOS_SETTLE", "120"))
GUESTS = ["+1555020%04d" % i for i in range(int(os.environ.get("CHAOS_GUESTS", "100")))]
PHONE_NUMBER_ID = "109876543210987"
WABA_ID = "210987654321098"
ACCESS_TOKEN = "chaos-graph-token"
APP_SECRET = "chaos-app-secret"
# Longer than Meta's (the fake's) callbacks take to arrive here, including
# the restart: a grace shorter than that lag resends messages Meta already
# took, the duplicate README's "Delivery guarantee" names.
RECONCILE_GRACE = os.environ.get("CHAOS_GRACE", "20s")
MESSAGE_EVENTS = ["message_sent", "message_delivered", "message_read"]

# Outcomes of one send attempt.
ACKED, INTERRUPTED, REFUSED = "acked", "interrupted", "refused"


def log(*args):
    print("  " + " ".join(str(a) for a in args), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate_stubs(tmp):
    out = os.path.join(tmp, "pystubs")
    os.makedirs(out)
    ours = sorted(os.path.relpath(p, PROTO_ROOT)
                  for p in glob.glob(os.path.join(PROTO_ROOT, "hotel/whatsapp/v1/*.proto")))
    cmd = ["protoc", "-I" + PROTO_ROOT, "-I" + GOOGLEAPIS, "-I/usr/include",
           "--python_out=" + out, "--grpc_out=" + out,
           "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"] + ours + [
               "google/api/annotations.proto", "google/api/http.proto"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("protoc failed:\n" + result.stderr)
    sys.path.insert(0, out)


def wait_for_line(path, prefix, proc, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(path) as f:
                for line in f:
                    if prefix in line:
                        return line.strip()
        except FileNotFoundError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("%s exited (%s) before printing %r" % (proc.args[0], proc.returncode,
                                                                     prefix))
        time.sleep(0.02)
    raise RuntimeError("no %r line in %s within %ss" % (prefix, path, timeout))


class Server:
    """wa-server on fixed ports (the fake posts callbacks to its REST port)."""

    def __init__(self, tmp, fake_url, grpc_port, http_port):
        self.tmp = tmp
        self.data_dir = os.path.join(tmp, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.grpc_port, self.http_port = grpc_port, http_port
        self.flags = [
            "--data_dir=" + self.data_dir,
            "--grpc_listen=127.0.0.1:%d" % grpc_port,
            "--http_listen=127.0.0.1:%d" % http_port,
            "--provider=cloud", "--cloud_api_base_url=" + fake_url,
            "--phone_number_id=" + PHONE_NUMBER_ID, "--waba_id=" + WABA_ID,
            "--reconcile_grace=" + RECONCILE_GRACE,
            # Many sends to few guests: Meta's pair rate is not under test here.
            "--pair_interval=1ms", "--pair_burst=100000", "--send_rate_per_second=1000",
            "--api_requests_per_second=0", "--webhook_timeout=2s", "--webhook_probe_max=2s",
            # The hotel's receiver runs on this machine.
            "--webhook_allow_loopback=true",
        ]
        self.env = dict(os.environ, WA_CLOUD_ACCESS_TOKEN=ACCESS_TOKEN,
                        WA_META_APP_SECRET=APP_SECRET, WA_META_VERIFY_TOKEN="chaos-verify")
        self.proc = None
        self.starts = 0

    def token(self, role, name):
        return subprocess.run([WA_SERVER_BIN, "tokens", "create", "--role=" + role, "--name=" + name,
                               "--data_dir=" + self.data_dir], check=True, capture_output=True,
                              text=True).stdout.strip()

    def start(self):
        self.starts += 1
        out = os.path.join(self.tmp, "server-%d.out" % self.starts)
        err = open(os.path.join(self.tmp, "server-%d.err" % self.starts), "w")
        # A port can stay busy for a moment after a kill; retry the start.
        for _ in range(50):
            self.proc = subprocess.Popen([WA_SERVER_BIN] + self.flags, env=self.env,
                                         stdout=open(out, "w"), stderr=err)
            try:
                return wait_for_line(out, "wa-server listening", self.proc)
            except RuntimeError:
                if self.proc.poll() is None:
                    raise
                time.sleep(0.1)
        raise RuntimeError("wa-server did not start: see %s" % err.name)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode if self.proc else None


class Rest:
    """One keep-alive HTTP connection, reopened after an error."""

    def __init__(self, port, token, timeout=5):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = None

    def call(self, method, path, body=None, headers=None):
        """(status, parsed body); raises OSError/HTTPException when the transport fails."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        h = {"Authorization": "Bearer " + self.token}
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body)
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=body, headers=h)
            res = self.conn.getresponse()
            data = res.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        try:
            return res.status, json.loads(data)
        except ValueError:
            return res.status, data


class Ledger:
    """What the senders did, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sends = {}  # text -> {"surface", "mode", "message_id", "interrupted": n}
        self.refusals = []

    def record(self, text, **fields):
        with self.lock:
            self.sends.setdefault(text, {"message_id": None, "interrupted": 0}).update(fields)

    def interrupted(self, text):
        with self.lock:
            self.sends[text]["interrupted"] += 1


class Sender(threading.Thread):
    def __init__(self, name, surface, mode, ledger, stop, send_fn, rng, pause):
        super().__init__(name=name, daemon=True)
        self.surface, self.mode, self.ledger, self.stop = surface, mode, ledger, stop
        self.send_fn, self.rng, self.count, self.pause = send_fn, rng, 0, pause

    def run(self):
        while not self.stop.is_set():
            self.count += 1
            text = "chaos %s %d %s" % (self.name, self.count, "x" * self.rng.randrange(1, 40))
            guest = self.rng.choice(GUESTS)
            key = text.replace(" ", "-")[:200] if self.mode == "retry" else ""
            self.ledger.record(text, surface=self.surface, mode=self.mode, guest=guest)
            while True:
                outcome, value = self.send_fn(guest, text, key)
                if outcome == ACKED:
                    self.ledger.record(text, message_id=value)
                    break
                if outcome == REFUSED:
                    with self.ledger.lock:
                        self.ledger.refusals.append((text, value))
                    break
                self.ledger.interrupted(text)
                if self.mode == "plain":
                    break
                time.sleep(0.05)  # the server is down: retry with the same key
            time.sleep(self.rng.uniform(0, 2 * self.pause))


def rest_send(port, token):
    rest = Rest(port, token)

    def send(guest, text, key):
        headers = {"Idempotency-Key": key} if key else {}
        try:
            status, body = rest.call("POST", "/api/v1/whatsapp/messages/send",
                                     {"guest_phone": guest, "message_type": "text",
                                      "content": {"text": text}}, headers)
        except (OSError, http.client.HTTPException):
            return INTERRUPTED, None
        if status == 200:
            return ACKED, body["message_id"]
        if status in (502, 503, 504):  # the gateway's channel to a dying server
            return INTERRUPTED, None
        return REFUSED, "HTTP %d %s" % (status, body)

    return send


def grpc_send(port, token, stubs):
    channel = grpc.insecure_channel("127.0.0.1:%d" % port)
    stub = stubs.messages_pb2_grpc.MessagesServiceStub(channel)
    metadata = (("authorization", "Bearer " + token),)

    def send(guest, text, key):
        request = stubs.messages_pb2.SendMessageRequest(
            guest_phone=guest, message_type=stubs.common_pb2.MESSAGE_TYPE_TEXT,
            content=stubs.messages_pb2.TextContent(text=text), idempotency_key=key)
        try:
            return ACKED, stub.SendMessage(request, metadata=metadata, timeout=5).message_id
        except grpc.RpcError as e:
            if e.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
                            grpc.StatusCode.CANCELLED):
                return INTERRUPTED, None
            return REFUSED, "%s %s" % (e.code(), e.details())

    return send


class Stubs:
    def __init__(self):
        from hotel.whatsapp.v1 import common_pb2, messages_pb2, messages_pb2_grpc
        self.common_pb2, self.messages_pb2 = common_pb2, messages_pb2
        self.messages_pb2_grpc = messages_pb2_grpc


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as res:
        return json.loads(res.read())


def post_json(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        data = res.read()
    try:
        return json.loads(data)
    except ValueError:
        return data


def database_file(data_dir):
    files = [f for f in os.listdir(data_dir) if f.endswith(".db")]
    if len(files) != 1:
        raise RuntimeError("expected one .db file in %s, found %s" % (data_dir, files))
    return files[0]


def main():
    for path in (WA_SERVER_BIN, FAKE_GRAPH_BIN):
        if not os.access(path, os.X_OK):
            sys.exit("missing %s: run scripts/build first" % path)
    rng = random.Random(SEED)
    tmp = tempfile.mkdtemp(prefix="wa-chaos-")
    procs = []

    def cleanup():
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
        if os.environ.get("E2E_KEEP_TMP"):
            print("  kept scratch dir " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(cleanup)
    generate_stubs(tmp)
    stubs = Stubs()
    print("chaos: %d kills, %d senders per surface and mode, seed %d" % (KILLS, SENDERS, SEED),
          flush=True)

    # The hotel's endpoint.
    hooks_log = os.path.join(tmp, "hooks.jsonl")
    receiver_out = os.path.join(tmp, "receiver.out")
    receiver = subprocess.Popen(["/usr/bin/python3", RECEIVER, "--port", "0", "--log", hooks_log],
                                stdout=open(receiver_out, "w"), stderr=subprocess.STDOUT)
    procs.append(receiver)
    receiver_port = int(wait_for_line(receiver_out, "listening ", receiver).split()[1])

    # "Meta": its callbacks go to the server's fixed REST port, retried while it is down.
    grpc_port, http_port = free_port(), free_port()
    fake_out = os.path.join(tmp, "fake.out")
    fake = subprocess.Popen([
        FAKE_GRAPH_BIN, "--access_token=" + ACCESS_TOKEN, "--app_secret=" + APP_SECRET,
        "--phone_number_id=" + PHONE_NUMBER_ID, "--waba_id=" + WABA_ID,
        "--webhook_url=http://127.0.0.1:%d/api/v1/whatsapp/provider/webhook" % http_port,
        "--sent_after=50ms", "--delivered_after=100ms", "--read_after=150ms",
        "--webhook_attempts=100000", "--webhook_retry_delay=200ms"],
        stdout=open(fake_out, "w"), stderr=subprocess.STDOUT)
    procs.append(fake)
    fake_url = wait_for_line(fake_out, "fake-graph-api listening on ", fake).split()[-1]

    server = Server(tmp, fake_url, grpc_port, http_port)
    admin, staff = server.token("admin", "chaos-admin"), server.token("staff", "chaos-staff")
    server.start()
    procs.append(server.proc)
    db_name = database_file(server.data_dir)

    def db(sql):
        conn = sqlite3.connect("file:%s/%s?mode=ro" % (server.data_dir, db_name), uri=True,
                               timeout=10)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    admin_rest = Rest(http_port, admin)
    status, body = admin_rest.call("POST", "/api/v1/whatsapp/webhooks/configure", {
        "webhook_url": "http://127.0.0.1:%d/hooks" % receiver_port,
        "events": MESSAGE_EVENTS + ["message_failed", "inbound_message"],
        "verify_token": "your_verification_token",
        "retry_config": {"max_retries": 20, "retry_delay": 200}})
    if status != 200:
        sys.exit("configure webhook: HTTP %d %s" % (status, body))
    post_json("http://127.0.0.1:%d/_control" % receiver_port, {"secrets": [body["signing_secret"]]})

    # Each guest writes first, through Meta's signed callback: the window opens.
    for i, guest in enumerate(GUESTS):
        answer = post_json(fake_url + "/_fake/inbound",
                           {"from": guest[1:], "name": "Guest %d" % i, "text": "Hello %d" % i})
        if answer.get("webhook_status") != 200:
            sys.exit("inbound callback for %s: %s" % (guest, answer))
    deadline = time.time() + 20
    while db("SELECT COUNT(*) FROM messages WHERE direction = 1")[0][0] < len(GUESTS):
        if time.time() > deadline:
            sys.exit("the guests' inbound messages were not stored within 20 s")
        time.sleep(0.1)

    ledger, stop = Ledger(), threading.Event()
    senders = []
    for surface in ("grpc", "rest"):
        for mode in ("retry", "plain"):
            for i in range(SENDERS):
                fn = (grpc_send(grpc_port, staff, stubs) if surface == "grpc"
                      else rest_send(http_port, staff))
                senders.append(Sender("%s-%s-%d" % (surface, mode, i), surface, mode, ledger, stop,
                                      fn, random.Random(rng.random()), 4 * SENDERS / RATE))
    for s in senders:
        s.start()

    started = time.time()
    for kill in range(1, KILLS + 1):
        time.sleep(rng.uniform(MIN_UP, MAX_UP))
        with ledger.lock:
            so_far = len(ledger.sends)
        server.kill()
        log("kill %d/%d after %d sends" % (kill, KILLS, so_far))
        time.sleep(rng.uniform(0, 0.5))
        server.start()
        procs.append(server.proc)
    time.sleep(1.0)
    stop.set()
    for s in senders:
        s.join(timeout=30)
    chaos_seconds = time.time() - started
    log("senders stopped after %.1f s; letting the server settle" % chaos_seconds)

    # Settled: nothing outbound short of read (held sends reconciled or
    # resent), no Meta callback unprocessed, no webhook event pending.
    deadline = time.time() + SETTLE_S
    while True:
        pending_messages = db("SELECT COUNT(*) FROM messages WHERE direction = 2 AND status < 4")[0][0]
        pending_events = db("SELECT COUNT(*) FROM webhook_events WHERE status = 1")[0][0]
        pending_callbacks = db(
            "SELECT COUNT(*) FROM provider_notifications WHERE processed_at IS NULL")[0][0]
        if pending_messages == 0 and pending_events == 0 and pending_callbacks == 0:
            break
        if time.time() > deadline:
            log("NOT settled within %.0f s: %d messages short of read, %d events pending, "
                "%d callbacks unprocessed" % (SETTLE_S, pending_messages, pending_events,
                                              pending_callbacks))
            break
        time.sleep(0.5)
    log("settled %.1f s after the senders stopped" % (time.time() - started - chaos_seconds))

    # SIGTERM at the end: a graceful stop exits 0.
    exit_code = server.stop()
    failures = []
    if exit_code != 0:
        failures.append("wa-server exited %s on SIGTERM (expected 0)" % exit_code)

    # What the server holds, what "Meta" received, what the hotel received.
    stored = {}  # body text -> [(message_id, status)]
    for message_id, body, st in db("SELECT message_id, body, status FROM messages "
                                   "WHERE direction = 2"):
        stored.setdefault(body, []).append((message_id, st))
    accepted = {}  # our message id -> accepted provider requests
    accepted_text = {}
    refused_by_fake = 0
    for r in get_json(fake_url + "/_fake/requests")["requests"]:
        if r["http_status"] != 200:
            refused_by_fake += 1
            continue
        body = r["body"] or {}
        mid = body.get("biz_opaque_callback_data", "")
        accepted[mid] = accepted.get(mid, 0) + 1
        text = body.get("text", {}).get("body", "")
        accepted_text[text] = accepted_text.get(text, 0) + 1
    received_events = {}
    for line in open(hooks_log):
        rec = json.loads(line)
        if rec["status"] == 200 and rec["verified_with"]:
            received_events.setdefault(rec["event_id"], rec)
    outbox = db("SELECT event_id, event, status, payload FROM webhook_events")
    events_per_message = {}
    for event_id, event, st, payload in outbox:
        if event in MESSAGE_EVENTS:
            mid = json.loads(payload).get("data", {}).get("message_id", "")
            key = (mid, event)
            events_per_message[key] = events_per_message.get(key, 0) + 1

    sent = len(ledger.sends)
    acked = [t for t, s in ledger.sends.items() if s["message_id"]]
    unacked = [t for t, s in ledger.sends.items() if not s["message_id"]]
    interrupted_attempts = sum(s["interrupted"] for s in ledger.sends.values())
    lost, duplicated, landed = [], [], 0
    for text, s in ledger.sends.items():
        rows = stored.get(text, [])
        if len(rows) > 1:
            duplicated.append("%s: stored %d times" % (text, len(rows)))
        if accepted_text.get(text, 0) > 1:
            duplicated.append("%s: reached the provider %d times" % (text, accepted_text[text]))
        if s["message_id"]:
            ids = [mid for mid, _ in rows]
            if s["message_id"] not in ids:
                lost.append("%s (%s): acknowledged, not stored" % (text, s["message_id"]))
            elif accepted.get(s["message_id"], 0) == 0:
                lost.append("%s (%s): never reached the provider" % (text, s["message_id"]))
            elif any(st != 4 for mid, st in rows if mid == s["message_id"]):
                lost.append("%s (%s): not read (status %s)" % (text, s["message_id"], rows))
        elif rows:
            landed += 1
            if accepted.get(rows[0][0], 0) == 0:
                lost.append("%s: landed unacknowledged, never reached the provider" % text)
    for mid, n in accepted.items():
        if n > 1:
            duplicated.append("%s reached the provider %d times" % (mid, n))
    stored_ids = {mid for rows in stored.values() for mid, _ in rows}
    strays = [mid for mid in accepted if mid not in stored_ids]
    missing_events = [e for e, _, _, _ in outbox if e not in received_events]
    undelivered = [e for e, _, st, _ in outbox if st != 2]
    event_dups = [k for k, n in events_per_message.items() if n > 1]
    event_gaps = [(mid, ev) for mid in stored_ids for ev in MESSAGE_EVENTS
                  if (mid, ev) not in events_per_message]

    print("chaos: kills %d (%d server starts), seed %d, %.0f s of sending" %
          (KILLS, server.starts, SEED, chaos_seconds))
    print("chaos: sent %d, acknowledged %d, unacknowledged %d (landed %d), interrupted attempts "
          "%d, refused %d" % (sent, len(acked), len(unacked), landed, interrupted_attempts,
                              len(ledger.refusals)))
    print("chaos: provider received %d sends (%d not accepted); webhook events %d, received %d"
          % (sum(accepted.values()), refused_by_fake, len(outbox), len(received_events)))
    print("chaos: lost %d, duplicated %d" % (len(lost), len(duplicated)), flush=True)

    for what, items in (("lost", lost), ("duplicated", duplicated),
                        ("refused by the server", ledger.refusals),
                        ("accepted by the provider, not stored", strays),
                        ("events not received by the hotel", missing_events),
                        ("events not delivered", undelivered),
                        ("message events written more than once", event_dups),
                        ("message events missing", event_gaps)):
        if items:
            failures.append("%d %s, e.g. %s" % (len(items), what, items[:5]))
    if len(acked) == 0 or KILLS < 1:
        failures.append("nothing was acknowledged: the test proved nothing")
    for f in failures:
        print("FAIL " + f)
    if failures:
        print("chaos: logs in %s (set E2E_KEEP_TMP=1 to keep them)" % tmp)
        return 1
    print("PASS chaos: 0 lost, 0 duplicated over %d kills" % KILLS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
