#!/usr/bin/python3
"""The API reference's flows over gRPC with grpcio.

A guest writes (sandbox), staff answer with text, templates, media and
interactive messages, follow the statuses, read and resolve the
conversation, and configure the hotel's webhook.

    PYTHONPATH=build/clients/python WA_ADDR=127.0.0.1:50051 WA_TOKEN=wat_... \
        /usr/bin/python3 hotel_flows.py

WA_TOKEN must be an admin token (the sandbox's inbound message and the
webhook configuration are admin operations; the rest works with staff).
Optional: WA_GUEST_PHONE (default +1234567890), WA_WEBHOOK_URL (default the
reference's https://your-hotel.com/webhooks/whatsapp).

The stubs are the build's Python client library (build/clients/python: the
service's and googleapis' modules, and hotel_whatsapp_errors for the
contract's errors); Debian's python3-grpcio and python3-protobuf run them.
"""

import os
import sys
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proto_stubs import generate_stubs  # noqa: E402

ADDR = os.environ.get("WA_ADDR", "127.0.0.1:50051")
TOKEN = os.environ.get("WA_TOKEN", "")
GUEST_PHONE = os.environ.get("WA_GUEST_PHONE", "+1234567890")
WEBHOOK_URL = os.environ.get("WA_WEBHOOK_URL", "https://your-hotel.com/webhooks/whatsapp")
# A fresh conversation per run, so the example can be run again.
CONVERSATION_ID = "conv_python_%x" % int(time.time() * 1000)

if not TOKEN:
    sys.exit("set WA_TOKEN (an admin token: wa-server tokens create --role=admin)")

# pylint: disable=wrong-import-position
from hotel_whatsapp_errors import error_detail  # noqa: E402
from hotel.whatsapp.v1 import common_pb2 as common  # noqa: E402
from hotel.whatsapp.v1 import conversations_pb2 as conversations  # noqa: E402
from hotel.whatsapp.v1 import conversations_pb2_grpc  # noqa: E402
from hotel.whatsapp.v1 import media_pb2 as media  # noqa: E402
from hotel.whatsapp.v1 import media_pb2_grpc  # noqa: E402
from hotel.whatsapp.v1 import messages_pb2 as messages  # noqa: E402
from hotel.whatsapp.v1 import messages_pb2_grpc  # noqa: E402
from hotel.whatsapp.v1 import sandbox_pb2 as sandbox  # noqa: E402
from hotel.whatsapp.v1 import sandbox_pb2_grpc  # noqa: E402
from hotel.whatsapp.v1 import templates_pb2 as templates  # noqa: E402
from hotel.whatsapp.v1 import templates_pb2_grpc  # noqa: E402
from hotel.whatsapp.v1 import webhooks_pb2 as webhooks  # noqa: E402
from hotel.whatsapp.v1 import webhooks_pb2_grpc  # noqa: E402

channel = grpc.insecure_channel(ADDR)
# Every call carries the token; errors raise grpc.RpcError with the
# contract's code in the details.
AUTH = (("authorization", "Bearer " + TOKEN),)
messages_api = messages_pb2_grpc.MessagesServiceStub(channel)
templates_api = templates_pb2_grpc.TemplatesServiceStub(channel)
media_api = media_pb2_grpc.MediaServiceStub(channel)
conversations_api = conversations_pb2_grpc.ConversationsServiceStub(channel)
webhooks_api = webhooks_pb2_grpc.WebhooksServiceStub(channel)
sandbox_api = sandbox_pb2_grpc.SandboxServiceStub(channel)


def room_key_jpeg():
    """A tiny JPEG (JFIF header, padding, end marker); a real integration reads a file."""
    head = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01,
                  0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])
    return head + b"\x55" * 256 + b"\xff\xd9"


def guest_writes():
    """Sandbox only: the guest writes first, which opens the 24-hour window."""
    answer = sandbox_api.SimulateInbound(sandbox.SimulateInboundRequest(
        guest_phone=GUEST_PHONE, text="Hi! Is early check-in possible?",
        conversation_id=CONVERSATION_ID), metadata=AUTH)
    print("guest wrote:", answer.message.message_id, "in", answer.conversation_id)


def send_text():
    """Basic Text Messaging."""
    sent = messages_api.SendMessage(messages.SendMessageRequest(
        guest_phone=GUEST_PHONE, message_type=common.MESSAGE_TYPE_TEXT,
        content=messages.TextContent(
            text="Welcome to Grand Plaza Hotel! How can we assist you today?"),
        conversation_id=CONVERSATION_ID, staff_member_id="staff_456"), metadata=AUTH)
    print("text sent:", sent.message_id, common.MessageStatus.Name(sent.status))
    return sent.message_id


def send_templates():
    """Template Messaging."""
    welcome = templates_api.SendTemplateMessage(templates.SendTemplateMessageRequest(
        guest_phone=GUEST_PHONE, template_name="welcome_checkin", language="en",
        parameters={"guest_name": "John Smith", "hotel_name": "Grand Plaza Hotel",
                    "room_number": "205", "checkin_time": "3:00 PM",
                    "checkout_date": "January 18, 2024"},
        conversation_metadata={"booking_reference": "RB123456", "guest_tier": "gold_member"}),
        metadata=AUTH)
    service = templates_api.SendTemplateMessage(templates.SendTemplateMessageRequest(
        guest_phone=GUEST_PHONE, template_name="service_confirmation", language="en",
        parameters={"service_type": "Spa Massage", "appointment_time": "Tomorrow at 2:00 PM",
                    "location": "Wellness Center - Room 3", "estimated_duration": "90 minutes"}),
        metadata=AUTH)
    print("templates sent:", welcome.message_id, service.message_id)


def send_media():
    """Rich Media Messaging: a client stream uploads (metadata, then chunks), then a send."""
    data = room_key_jpeg()
    parts = [media.UploadMediaRequest(metadata=media.MediaMetadata(
        media_type=common.MEDIA_TYPE_IMAGE, filename="room_key_info.jpg"))]
    parts += [media.UploadMediaRequest(chunk=data[i:i + 64 * 1024])
              for i in range(0, len(data), 64 * 1024)]
    uploaded = media_api.UploadMedia(iter(parts), metadata=AUTH)
    sent = messages_api.SendMediaMessage(messages.SendMediaMessageRequest(
        guest_phone=GUEST_PHONE, media_id=uploaded.media_id, media_type=common.MEDIA_TYPE_IMAGE,
        caption="Here is your digital room key information. Tap your phone on the door "
                "reader to access your room.",
        conversation_id=CONVERSATION_ID), metadata=AUTH)
    print("media sent:", sent.message_id, "(%s, %d bytes)" % (uploaded.media_id, len(data)))


def send_interactive():
    """Interactive Messaging: reply buttons, then a list."""
    buttons = messages_api.SendInteractiveMessage(messages.SendInteractiveMessageRequest(
        guest_phone=GUEST_PHONE, interactive_type=common.INTERACTIVE_TYPE_BUTTONS,
        content=messages.InteractiveContent(
            text="How would you like to extend your stay?",
            buttons=[messages.InteractiveButton(id="extend_1_night", title="1 More Night"),
                     messages.InteractiveButton(id="extend_2_nights", title="2 More Nights"),
                     messages.InteractiveButton(id="call_front_desk", title="Call Front Desk")])),
        metadata=AUTH)
    row = messages.InteractiveRow
    listing = messages_api.SendInteractiveMessage(messages.SendInteractiveMessageRequest(
        guest_phone=GUEST_PHONE, interactive_type=common.INTERACTIVE_TYPE_LIST,
        content=messages.InteractiveContent(
            text="What service would you like to request?", button_text="View Services",
            sections=[
                messages.InteractiveSection(title="Room Services", rows=[
                    row(id="housekeeping", title="Housekeeping",
                        description="Extra towels, cleaning"),
                    row(id="room_service", title="Room Service",
                        description="Food and beverage delivery"),
                    row(id="maintenance", title="Maintenance", description="Technical issues")]),
                messages.InteractiveSection(title="Guest Services", rows=[
                    row(id="concierge", title="Concierge",
                        description="Local recommendations, bookings"),
                    row(id="transportation", title="Transportation",
                        description="Taxi, shuttle service")])])),
        metadata=AUTH)
    print("interactive sent:", buttons.message_id, listing.message_id)


def follow_status(message_id):
    """Message Status Tracking: poll until the message is delivered (or read)."""
    done = (common.MESSAGE_STATUS_DELIVERED, common.MESSAGE_STATUS_READ)
    for _ in range(100):
        status = messages_api.GetMessageStatus(
            messages.GetMessageStatusRequest(message_id=message_id), metadata=AUTH)
        if status.status == common.MESSAGE_STATUS_FAILED:
            sys.exit("message %s failed: %s" % (message_id, status.failure_reason))
        if status.status in done:
            print("status:", message_id, common.MessageStatus.Name(status.status),
                  "sent", status.sent_at.ToJsonString(),
                  "delivered", status.delivered_at.ToJsonString())
            return
        time.sleep(0.2)
    sys.exit("message %s was not delivered in 20 s" % message_id)


def read_conversation():
    """Conversation Management and the window check."""
    conversation = conversations_api.GetConversation(
        conversations.GetConversationRequest(conversation_id=CONVERSATION_ID), metadata=AUTH)
    active = conversations_api.ListConversations(conversations.ListConversationsRequest(
        guest_phone=GUEST_PHONE, status=common.CONVERSATION_STATUS_ACTIVE), metadata=AUTH)
    window = conversations_api.GetWindowStatus(
        conversations.GetWindowStatusRequest(conversation_id=CONVERSATION_ID), metadata=AUTH)
    analytics = conversations_api.GetConversationAnalytics(
        conversations.GetConversationAnalyticsRequest(conversation_id=CONVERSATION_ID),
        metadata=AUTH)
    print("conversation:", conversation.conversation_id,
          "%d messages;" % len(conversation.messages),
          "%d active;" % len(active.conversations),
          "window open: %s (%.1f h);" % (window.within_window, window.hours_remaining),
          "delivery rate %.2f" % analytics.delivery_rates.delivery_rate)


def resolve_conversation():
    resolved = conversations_api.ResolveConversation(conversations.ResolveConversationRequest(
        conversation_id=CONVERSATION_ID,
        resolution_notes="Guest room service request completed successfully",
        satisfaction_rating=5, follow_up_required=False), metadata=AUTH)
    print("resolved:", resolved.conversation_id, common.ConversationStatus.Name(resolved.status))


def configure_webhook():
    """Webhook Configuration (admin). The signing secret is shown once: keep it."""
    configured = webhooks_api.ConfigureWebhook(webhooks.ConfigureWebhookRequest(
        webhook_url=WEBHOOK_URL,
        events=["message_delivered", "message_read", "message_failed", "inbound_message",
                "media_received"],
        verify_token="your_verification_token",
        retry_config=webhooks.RetryConfig(max_retries=3, retry_delay=5000)), metadata=AUTH)
    config = webhooks_api.GetWebhookConfig(webhooks.GetWebhookConfigRequest(), metadata=AUTH)
    print("webhook:", config.webhook_url, "verified:", configured.verified,
          "secret received:", configured.signing_secret.startswith("whsec_"))


def main():
    try:
        guest_writes()
        text_id = send_text()
        send_templates()
        send_media()
        send_interactive()
        follow_status(text_id)
        read_conversation()
        resolve_conversation()
        configure_webhook()
    except grpc.RpcError as error:
        detail = error_detail(error)  # the contract's code and what to do
        if detail is None:
            sys.exit("RPC failed: %s %s" % (error.code().name, error.details()))
        sys.exit("RPC failed: %s %s\n  - %s" % (detail.code, detail.message,
                                                "\n  - ".join(detail.recovery_options)))
    print("all flows done")


if __name__ == "__main__":
    main()
