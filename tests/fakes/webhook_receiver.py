#!/usr/bin/python3
"""A hotel's webhook endpoint for the tests, scriptable to misbehave.

Answers Meta-style verification GETs (hub.challenge echoed when
hub.verify_token matches) and records every POST, checking its signature
with Python's own hmac (independently of the server's OpenSSL code):
X-Webhook-Signature holds "sha256=<hex>" entries, each HMAC-SHA256 over
"<X-Webhook-Timestamp>.<raw body>".

    webhook_receiver.py --port 0 --log FILE [--verify-token T] [--state JSON]

prints "listening PORT" once ready. Every POST is appended to FILE as one
JSON line, so the record survives the receiver being stopped and started
again ("goes away and comes back"). Control, over HTTP on the same port:

    POST /_control  {"secrets": [...], "fail_next": N, "fail_status": 500,
                     "forever_status": 500 (0: off), "delay_next": N,
                     "delay_seconds": S}   (fields optional; merged)
    GET  /_received -> JSON array of the recorded POSTs
"""
import argparse
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STATE = {"secrets": [], "fail_next": 0, "fail_status": 500, "forever_status": 0,
         "delay_next": 0, "delay_seconds": 0.0}
LOCK = threading.Lock()
ARGS = None


def verified_secrets(headers, body):
    """Indexes of the configured secrets that produced one of the signatures."""
    timestamp = headers.get("X-Webhook-Timestamp", "")
    signed = timestamp.encode() + b"." + body
    given = [s.strip()[len("sha256="):] for s in headers.get("X-Webhook-Signature", "").split(",")
             if s.strip().startswith("sha256=")]
    matched = []
    for i, secret in enumerate(STATE["secrets"]):
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, g) for g in given):
            matched.append(i)
    return matched, len(given)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body=b"OK", content_type="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/_received":
            with LOCK:
                try:
                    with open(ARGS.log) as f:
                        lines = [json.loads(line) for line in f if line.strip()]
                except FileNotFoundError:
                    lines = []
            return self.answer(200, json.dumps(lines).encode(), "application/json")
        query = parse_qs(url.query)
        token = query.get("hub.verify_token", [""])[0]
        if query.get("hub.mode", [""])[0] == "subscribe" and token == ARGS.verify_token:
            return self.answer(200, query.get("hub.challenge", [""])[0].encode())
        return self.answer(403, b"verify token mismatch")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/_control":
            with LOCK:
                STATE.update(json.loads(body or b"{}"))
            return self.answer(200)
        with LOCK:
            delay = 0.0
            if STATE["delay_next"] > 0:
                STATE["delay_next"] -= 1
                delay = STATE["delay_seconds"]
            if STATE["forever_status"]:
                status = STATE["forever_status"]
            elif STATE["fail_next"] > 0:
                STATE["fail_next"] -= 1
                status = STATE["fail_status"]
            else:
                status = 200
            matched, signatures = verified_secrets(self.headers, body)
        if delay:
            time.sleep(delay)
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        record = {"event_id": self.headers.get("X-Webhook-Event-Id", ""),
                  "event": self.headers.get("X-Webhook-Event", ""),
                  "attempt": int(self.headers.get("X-Webhook-Attempt", "0")),
                  "timestamp": self.headers.get("X-Webhook-Timestamp", ""),
                  "signatures": signatures, "verified_with": matched,
                  "status": status, "delayed": delay, "path": self.path,
                  "received_at": time.time(), "body": parsed}
        with LOCK:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps(record) + "\n")
        try:
            self.answer(status)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server gave up waiting (a timeout test)

    def log_message(self, *args):
        pass


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True)
    parser.add_argument("--verify-token", default="your_verification_token")
    parser.add_argument("--state", default="{}", help="initial /_control state")
    ARGS = parser.parse_args()
    STATE.update(json.loads(ARGS.state))
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.request_queue_size = 128  # the server posts concurrently
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
