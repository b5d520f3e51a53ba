#!/usr/bin/python3
"""Set-up and checks of scripts/bench that talk to a running wa-server.

  setup      opens the send guests' windows, builds the read fixtures (a
             conversation of 50 messages), writes h2load body files, wrk
             request files and signed Meta callbacks, and state.json
  count      prints how many sends the server stored for a phase's guests
  drain      waits until the send queue has handed everything to the sandbox
  callbacks  waits until Meta callbacks posted so far are processed
  notify-id  posts one signed callback and prints the notification id it got
  large      writes the read loads of the large-database run from the sample
             ids large_db.py chose (h2load bodies, one id per h2load process,
             with the expected reply sizes; wrk request files over all ids)
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wa_rpc  # noqa: E402
from hotel.whatsapp.v1 import common_pb2  # noqa: E402
from hotel.whatsapp.v1 import conversations_pb2  # noqa: E402
from hotel.whatsapp.v1 import messages_pb2  # noqa: E402

WEBHOOK_PATH = "/api/v1/whatsapp/provider/webhook"
READ_GUEST = "+15559000001"      # the 50-message conversation of the read phases
WEBHOOK_GUEST = "+15559000002"   # the messages Meta's callbacks refer to
DRAIN_GUEST = "+15559000003"     # sentinels that tell when the send queue is empty
WARM_GUEST = "+15559000004"      # sends that warm the server up, never counted
CALLBACK_TARGETS = 20            # messages the callback load rotates over
CALLBACK_SENTINELS = 8           # fresh messages, one per "callbacks" wait


def phase_guests(phase_index, count):
    """Guests of one send phase: distinct per phase, so each phase is counted alone."""
    return ["+1555%02d%04d" % (phase_index, j) for j in range(1, count + 1)]


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def meta_status_body(pnid, wamid, status, recipient, timestamp):
    """One status callback in Meta's format (a WhatsApp Business Account change)."""
    return json.dumps({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "210987654321098",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550100000", "phone_number_id": pnid},
                    "statuses": [{
                        "id": wamid,
                        "status": status,
                        "timestamp": str(timestamp),
                        "recipient_id": recipient.lstrip("+"),
                        "conversation": {"id": "CONVERSATION_ID", "origin": {"type": "service"}},
                        "pricing": {"billable": True, "pricing_model": "CBP",
                                    "category": "service"},
                    }],
                },
            }],
        }],
    }, separators=(",", ":"))


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


def post_callback(http_port, secret, body):
    request = urllib.request.Request(
        "http://127.0.0.1:%d%s" % (http_port, WEBHOOK_PATH), data=body.encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "X-Hub-Signature-256": signature(secret, body)})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def cmd_setup(args, client):
    out = args.out
    os.makedirs(out, exist_ok=True)
    state = {"phases": {}, "procs": args.procs}
    template_phases = set(filter(None, args.template_phases.split(",")))

    # Send phases: every guest's window opened by one inbound message.
    # Wide phases spread their sends over --wide-guests guests (REST only:
    # an h2load process sends one body).
    wide_phases = set(filter(None, args.wide_phases.split(",")))
    phases = [p for p in (args.phases + "," + args.template_phases + "," + args.wide_phases)
              .split(",") if p]
    for index, phase in enumerate(phases, start=1):
        guests = phase_guests(index, args.wide_guests if phase in wide_phases else args.procs)
        state["phases"][phase] = guests
        # Template phases send the starter template; their guests' windows
        # are open too, so one conversation holds every send (see count).
        make = wa_rpc.template_request if phase in template_phases else wa_rpc.send_request
        for g in guests:
            client.simulate_inbound(g)
            if phase not in wide_phases:
                write(os.path.join(out, "%s.%s.grpc" % (phase, g.lstrip("+"))),
                      wa_rpc.grpc_frame(make(g)))
        # wrk rotates over the same guests as the h2load processes.
        # Phases named gw_* go through grpc-gateway (Go), which reads enums
        # only by their proto names.
        spell = wa_rpc.proto_spelled_send_json if phase.startswith("gw_") else wa_rpc.send_json
        write(os.path.join(out, phase + ".req"), "".join(
            "POST\t/api/v1/whatsapp/messages/send\t%s\n" % spell(g) for g in guests))

    # Reads: a conversation of 50 messages (1 inbound + 49 sent), settled.
    for g in (READ_GUEST, WEBHOOK_GUEST, DRAIN_GUEST, WARM_GUEST):
        client.simulate_inbound(g)
    sent = [client.send_text(READ_GUEST) for _ in range(49)]
    conversation_id = sent[0].conversation_id
    read_message = sent[-1].message_id
    for m in sent:
        client.wait_until_sent(m.message_id)
    conversation = client.conversation(conversation_id)
    if conversation.message_count != 50 or len(conversation.messages) != 50:
        raise SystemExit("setup: read conversation has %d messages, expected 50"
                         % conversation.message_count)
    status = client.message_status(read_message)
    state.update(read_conversation_id=conversation_id, read_message_id=read_message)

    # Expected gRPC response sizes (framed), to tell replies from bodiless errors.
    warm = client.send_text(WARM_GUEST)
    state["response_bytes"] = {
        "health": 5 + 2,  # HealthCheckResponse{status: SERVING}
        "send": len(wa_rpc.grpc_frame(warm)),
        "template": len(wa_rpc.grpc_frame(client.send_template(WARM_GUEST))),
        "status": len(wa_rpc.grpc_frame(status)),
        "conversation": len(wa_rpc.grpc_frame(conversation)),
    }
    write(os.path.join(out, "health.grpc"), b"\x00\x00\x00\x00\x00")
    write(os.path.join(out, "warm.grpc"), wa_rpc.grpc_frame(wa_rpc.send_request(WARM_GUEST)))
    write(os.path.join(out, "status.grpc"), wa_rpc.grpc_frame(
        messages_pb2.GetMessageStatusRequest(message_id=read_message)))
    write(os.path.join(out, "status.req"),
          "GET\t/api/v1/whatsapp/messages/%s/status\t\n" % read_message)
    write(os.path.join(out, "conversation.grpc"), wa_rpc.grpc_frame(
        conversations_pb2.GetConversationRequest(conversation_id=conversation_id)))
    write(os.path.join(out, "conversation.req"),
          "GET\t/api/v1/whatsapp/conversations/%s\t\n" % conversation_id)

    # Meta's status callbacks for messages we did send (known wamids), signed.
    targets = [client.send_text(WEBHOOK_GUEST)
               for _ in range(CALLBACK_TARGETS + CALLBACK_SENTINELS)]
    wamids = [client.wait_until_sent(m.message_id).whatsapp_message_id for m in targets]
    lines = []
    now = int(time.time())
    for i in range(400):
        wamid = wamids[i % CALLBACK_TARGETS]
        body = meta_status_body(args.phone_number_id, wamid, ("delivered", "read")[i % 2],
                                WEBHOOK_GUEST, now + i)
        lines.append("POST\t%s\t%s\tX-Hub-Signature-256: %s\n"
                     % (WEBHOOK_PATH, body, signature(args.app_secret, body)))
    write(os.path.join(out, "callbacks.req"), "".join(lines))
    state["callback_sentinels"] = [
        {"message_id": m.message_id, "wamid": w}
        for m, w in zip(targets[CALLBACK_TARGETS:], wamids[CALLBACK_TARGETS:])]
    state["callback_sentinels_used"] = 0
    write(os.path.join(out, "state.json"), json.dumps(state, indent=1))


def cmd_count(args, client):
    with open(os.path.join(args.out, "state.json")) as f:
        state = json.load(f)
    print(sum(client.stored_outbound(g) for g in state["phases"][args.phase]))


def cmd_drain(args, client):
    """The queue claims messages in next_attempt_at order, so once a message
    queued now has its wamid, everything queued before it has been handed off
    too. Prints the seconds it took."""
    started = time.monotonic()
    sentinel = client.send_text(DRAIN_GUEST)
    client.wait_until_sent(sentinel.message_id, timeout=args.timeout)
    print("%.2f" % (time.monotonic() - started))


def cmd_callbacks(args, client):
    """Posts a "read" for a fresh message and waits until it shows: the
    processor takes callbacks in arrival order, so all earlier ones are done."""
    path = os.path.join(args.out, "state.json")
    with open(path) as f:
        state = json.load(f)
    used = state["callback_sentinels_used"]
    if used >= len(state["callback_sentinels"]):
        raise SystemExit("callbacks: no sentinel message left")
    sentinel = state["callback_sentinels"][used]
    state["callback_sentinels_used"] = used + 1
    write(path, json.dumps(state, indent=1))
    started = time.monotonic()
    body = meta_status_body(args.phone_number_id, sentinel["wamid"], "read", WEBHOOK_GUEST,
                            int(time.time()))
    post_callback(args.http_port, args.app_secret, body)
    deadline = started + args.timeout
    while client.message_status(sentinel["message_id"]).status != common_pb2.MESSAGE_STATUS_READ:
        if time.monotonic() > deadline:
            raise SystemExit("callbacks: not processed after %.0fs" % args.timeout)
        time.sleep(0.05)
    print("%.2f" % (time.monotonic() - started))


def cmd_notify_id(args, client):
    """A status for an unknown wamid: stored and acknowledged, changes nothing."""
    body = meta_status_body(args.phone_number_id, "wamid.BENCHPROBE%d" % time.time_ns(),
                            "delivered", WEBHOOK_GUEST, int(time.time()))
    print(int(post_callback(args.http_port, args.app_secret, body)["notification_id"]))


def cmd_large(args, client):
    with open(args.samples) as f:
        samples = json.load(f)
    out = args.out
    os.makedirs(out, exist_ok=True)
    expect = {}
    loads = {
        "conversation": (samples["conversation_ids"],
                         lambda i: conversations_pb2.GetConversationRequest(conversation_id=i),
                         client.conversation,
                         lambda i: "/api/v1/whatsapp/conversations/" + i),
        "status": (samples["message_ids"],
                   lambda i: messages_pb2.GetMessageStatusRequest(message_id=i),
                   client.message_status,
                   lambda i: "/api/v1/whatsapp/messages/%s/status" % i),
        "list": (samples["guest_phones"],
                 lambda p: conversations_pb2.ListConversationsRequest(guest_phone=p),
                 client.list_by_guest,
                 lambda p: "/api/v1/whatsapp/conversations?guest_phone=" + p.replace("+", "%2B")),
    }
    for name, (ids, make_request, call, rest_path) in loads.items():
        sizes = []
        for k in range(args.procs):
            write(os.path.join(out, "large_%s.%d.grpc" % (name, k)),
                  wa_rpc.grpc_frame(make_request(ids[k])))
            sizes.append(str(len(wa_rpc.grpc_frame(call(ids[k])))))
        expect[name] = ",".join(sizes)
        write(os.path.join(out, "large_%s.req" % name),
              "".join("GET\t%s\t\n" % rest_path(i) for i in ids))
    write(os.path.join(out, "large_expect.json"), json.dumps(expect))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["setup", "count", "drain", "callbacks", "notify-id",
                                            "large"])
    parser.add_argument("--grpc-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, default=0)
    parser.add_argument("--token", default=os.environ.get("BENCH_TOKEN", ""))
    parser.add_argument("--out", default=".")
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--phases", default="")
    parser.add_argument("--template-phases", default="")
    parser.add_argument("--wide-phases", default="")
    parser.add_argument("--wide-guests", type=int, default=200)
    parser.add_argument("--phase", default="")
    parser.add_argument("--phone-number-id", default="")
    parser.add_argument("--app-secret", default=os.environ.get("WA_META_APP_SECRET", ""))
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--samples", default="")
    args = parser.parse_args()
    client = wa_rpc.Client(args.grpc_port, args.token)
    {"setup": cmd_setup, "count": cmd_count, "drain": cmd_drain, "callbacks": cmd_callbacks,
     "notify-id": cmd_notify_id, "large": cmd_large}[args.command](args, client)


if __name__ == "__main__":
    main()
