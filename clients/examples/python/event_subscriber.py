#!/usr/bin/python3
"""Follows a property's events live over gRPC (EventsService.StreamEvents).

Prints one JSON object per event ({"cursor", "event", "event_id",
"conversation_id", "data"}) and never misses one: it remembers the cursor of
the last message (events and keep-alives alike) and, when the stream drops,
reconnects with after_cursor set to it, so every event arrives exactly once
and in order across reconnects.

    WA_ADDR=127.0.0.1:50051 WA_TOKEN=wat_... /usr/bin/python3 event_subscriber.py

WA_TOKEN is a staff or admin token; it sees its own property's events only.
Optional: WA_EVENTS (kinds, comma-separated), WA_CONVERSATION_ID,
WA_AFTER_CURSOR (resume after it; default: the live end), WA_MAX_EVENTS (exit
after that many events), WA_DROP_EVERY (close the connection after every N
events and resume, to show that nothing is lost), WA_PROTO_DIR.
"""

import json
import os
import sys
import time

import grpc
from google.protobuf import json_format

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proto_stubs import generate_stubs  # noqa: E402

ADDR = os.environ.get("WA_ADDR", "127.0.0.1:50051")
TOKEN = os.environ.get("WA_TOKEN", "")
MAX_EVENTS = int(os.environ.get("WA_MAX_EVENTS", "0"))
DROP_EVERY = int(os.environ.get("WA_DROP_EVERY", "0"))
# Codes after which resuming is the answer: a restart, too slow a reader.
RESUMABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED,
             grpc.StatusCode.CANCELLED)

if not TOKEN:
    sys.exit("set WA_TOKEN (wa-server tokens create --role=staff)")
generate_stubs()
# pylint: disable=wrong-import-position
from hotel.whatsapp.v1 import events_pb2 as events  # noqa: E402
from hotel.whatsapp.v1 import events_pb2_grpc  # noqa: E402


def request_for(cursor):
    request = events.StreamEventsRequest(
        conversation_id=os.environ.get("WA_CONVERSATION_ID", ""))
    kinds = os.environ.get("WA_EVENTS", "")
    if kinds:
        request.events.extend(k for k in kinds.split(",") if k)
    if cursor is not None:
        request.after_cursor = cursor
    return request


def follow():
    cursor = os.environ.get("WA_AFTER_CURSOR")
    cursor = int(cursor) if cursor else None
    seen = 0
    while True:
        channel = grpc.insecure_channel(ADDR)
        api = events_pb2_grpc.EventsServiceStub(channel)
        stream = api.StreamEvents(request_for(cursor),
                                  metadata=(("authorization", "Bearer " + TOKEN),))
        try:
            since_connect = 0
            for message in stream:
                cursor = message.cursor  # keep-alives move it on too
                if not message.event:
                    continue
                print(json.dumps({
                    "cursor": message.cursor, "event": message.event,
                    "event_id": message.event_id, "conversation_id": message.conversation_id,
                    "data": json_format.MessageToDict(message.data)}), flush=True)
                seen += 1
                since_connect += 1
                if MAX_EVENTS and seen >= MAX_EVENTS:
                    return
                if DROP_EVERY and since_connect >= DROP_EVERY:
                    print("dropping the connection after cursor %d" % cursor, file=sys.stderr)
                    stream.cancel()
                    break
        except grpc.RpcError as error:
            if error.code() not in RESUMABLE or cursor is None:
                sys.exit("stream failed: %s %s" % (error.code(), error.details()))
            print("stream ended (%s); resuming after cursor %d" % (error.code(), cursor),
                  file=sys.stderr)
            time.sleep(0.5)
        finally:
            channel.close()


follow()
