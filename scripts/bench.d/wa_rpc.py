"""A small gRPC client of wa-server for the benchmark's set-up and checks.

The message classes come from protoc-generated Python modules in the folder
named by BENCH_PY_STUBS (scripts/bench generates them there); the calls go
through grpc's generic unary API, so no service stubs are needed.
"""

import os
import sys
import time

sys.path.insert(0, os.environ["BENCH_PY_STUBS"])

import grpc  # noqa: E402  (Debian's python3-grpcio, under /usr/bin/python3)
from hotel.whatsapp.v1 import common_pb2  # noqa: E402
from hotel.whatsapp.v1 import conversations_pb2  # noqa: E402
from hotel.whatsapp.v1 import messages_pb2  # noqa: E402
from hotel.whatsapp.v1 import sandbox_pb2  # noqa: E402
from hotel.whatsapp.v1 import templates_pb2  # noqa: E402

MESSAGES = "/hotel.whatsapp.v1.MessagesService/"
TEMPLATES = "/hotel.whatsapp.v1.TemplatesService/"
CONVERSATIONS = "/hotel.whatsapp.v1.ConversationsService/"
SANDBOX = "/hotel.whatsapp.v1.SandboxService/"

SEND_TEXT = "Your room is ready. Reply here if you need anything during your stay."


def send_request(guest_phone):
    """The SendMessage request every send phase uses (gRPC and REST alike)."""
    return messages_pb2.SendMessageRequest(
        guest_phone=guest_phone,
        message_type=common_pb2.MESSAGE_TYPE_TEXT,
        content=messages_pb2.TextContent(text=SEND_TEXT),
        staff_member_id="staff_bench",
    )


def template_request(guest_phone):
    """The SendTemplateMessage request of the template phases: a starter
    template every fresh sandbox property has approved (reference's example)."""
    return templates_pb2.SendTemplateMessageRequest(
        guest_phone=guest_phone,
        template_name="welcome_checkin",
        language="en",
        parameters={"guest_name": "John Smith", "hotel_name": "Grand Plaza Hotel",
                    "room_number": "412", "checkin_time": "3:00 PM",
                    "checkout_date": "March 18, 2024"},
        staff_member_id="staff_bench",
    )


def send_json(guest_phone):
    """The same request as REST JSON, spelled as the reference API spells it."""
    return ('{"guest_phone": "%s", "message_type": "text", "content": {"text": "%s"}, '
            '"staff_member_id": "staff_bench"}' % (guest_phone, SEND_TEXT))


def proto_spelled_send_json(guest_phone):
    """The same request as protobuf's JSON mapping spells it (enum by its
    proto name), which grpc-gateway's parser requires."""
    return send_json(guest_phone).replace('"text"', '"MESSAGE_TYPE_TEXT"', 1)


def grpc_frame(message):
    """A gRPC length-prefixed message: the body h2load posts."""
    payload = message.SerializeToString()
    return b"\x00" + len(payload).to_bytes(4, "big") + payload


class Client:
    def __init__(self, grpc_port, token):
        self.channel = grpc.insecure_channel("127.0.0.1:%d" % grpc_port)
        self.metadata = [("authorization", "Bearer " + token)]

    def _call(self, method, request, response_class):
        call = self.channel.unary_unary(
            method,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response_class.FromString,
        )
        return call(request, metadata=self.metadata, timeout=30)

    def simulate_inbound(self, guest_phone, text="hi"):
        return self._call(SANDBOX + "SimulateInbound",
                          sandbox_pb2.SimulateInboundRequest(guest_phone=guest_phone, text=text),
                          sandbox_pb2.SimulateInboundResponse)

    def send_text(self, guest_phone):
        return self._call(MESSAGES + "SendMessage", send_request(guest_phone),
                          messages_pb2.SendMessageResponse)

    def send_template(self, guest_phone):
        return self._call(TEMPLATES + "SendTemplateMessage", template_request(guest_phone),
                          messages_pb2.SendMessageResponse)

    def message_status(self, message_id):
        return self._call(MESSAGES + "GetMessageStatus",
                          messages_pb2.GetMessageStatusRequest(message_id=message_id),
                          messages_pb2.MessageStatusResponse)

    def conversation(self, conversation_id, message_limit=0):
        return self._call(CONVERSATIONS + "GetConversation",
                          conversations_pb2.GetConversationRequest(
                              conversation_id=conversation_id, message_limit=message_limit),
                          conversations_pb2.Conversation)

    def list_by_guest(self, guest_phone):
        return self._call(CONVERSATIONS + "ListConversations",
                          conversations_pb2.ListConversationsRequest(guest_phone=guest_phone),
                          conversations_pb2.ListConversationsResponse)

    def conversations_of(self, guest_phone):
        """Every conversation of one guest (all pages)."""
        found, token = [], ""
        while True:
            page = self._call(CONVERSATIONS + "ListConversations",
                              conversations_pb2.ListConversationsRequest(
                                  guest_phone=guest_phone, page_size=500, page_token=token),
                              conversations_pb2.ListConversationsResponse)
            found.extend(page.conversations)
            token = page.next_page_token
            if not token:
                return found

    def stored_outbound(self, guest_phone):
        """How many messages the server stored for one of the set-up's send
        guests: the set-up opened each with exactly one inbound message, so a
        single conversation holds that one plus every accepted send."""
        conversations = self.conversations_of(guest_phone)
        if len(conversations) != 1:
            raise RuntimeError("guest %s has %d conversations, expected 1"
                               % (guest_phone, len(conversations)))
        return conversations[0].message_count - 1

    def wait_until_sent(self, message_id, timeout=30.0):
        """The send queue hands a message to the sandbox at once; its wamid
        appears then. Waits for it so later reads see a settled message."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.message_status(message_id)
            if status.whatsapp_message_id:
                return status
            if time.monotonic() > deadline:
                raise RuntimeError("message %s still has no wamid after %.0fs (status %s)"
                                   % (message_id, timeout, status.status))
            time.sleep(0.05)

