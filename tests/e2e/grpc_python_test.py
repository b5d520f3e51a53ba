#!/usr/bin/python3
"""gRPC surface through the build's Python client library (build/clients/python).

The same flow as the REST test (inbound, send, status until read,
conversation, listing, window) plus the error contract: every error carries
a google.rpc.Status in the `grpc-status-details-bin` trailer whose first
detail is a hotel.whatsapp.v1.ErrorDetail with the reference's code.

Run with Debian's /usr/bin/python3 (it can import grpc). Needs WA_GRPC_ADDR,
WA_ADMIN_TOKEN, WA_STAFF_TOKEN and WA_OTHER_TOKEN (tests/e2e/run sets them).
"""

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from datetime import datetime, timedelta, timezone

import grpc

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUEST = "+15550001001"
CONV = "conv_grpc_001"
LATE_GUEST = "+15550001002"
LATE_CONV = "conv_grpc_expired"
TEMPLATE_GUEST = "+15550001003"  # never writes: templates need no window
STAFF_MEMBER = "staff_grpc_7"
GUEST_TEXT = "Hello from the gRPC test"
REPLY_TEXT = "Hello! How can we help?"
READ_TIMEOUT_S = 10


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit("environment variable %s is not set (run tests/e2e/run)" % name)
    return value


def use_client_library():
    """The build's Python client library (build/clients/python): no
    generation step of our own, as a service of the hotel's would use it."""
    path = os.environ.get("WA_PYTHON_CLIENT", os.path.join(REPO_ROOT, "build/clients/python"))
    if not os.path.isdir(os.path.join(path, "hotel")):
        sys.exit("no Python client library at %s (scripts/build makes it)" % path)
    sys.path.insert(0, path)


class Stubs:
    """The library's modules, imported once use_client_library() has run."""

    def __init__(self):
        import hotel_whatsapp_errors
        from google.rpc import status_pb2
        from hotel.whatsapp.v1 import (admin_pb2, admin_pb2_grpc, common_pb2,
                                       conversations_pb2, conversations_pb2_grpc, media_pb2,
                                       media_pb2_grpc, messages_pb2, messages_pb2_grpc,
                                       sandbox_pb2, sandbox_pb2_grpc, templates_pb2,
                                       templates_pb2_grpc)
        self.status_pb2 = status_pb2
        self.errors = hotel_whatsapp_errors
        self.common = common_pb2
        self.messages = messages_pb2
        self.conversations = conversations_pb2
        self.sandbox = sandbox_pb2
        self.admin = admin_pb2
        self.templates = templates_pb2
        self.media = media_pb2
        channel = grpc.insecure_channel(env("WA_GRPC_ADDR"))
        grpc.channel_ready_future(channel).result(timeout=10)
        self.channel = channel
        self.messages_svc = messages_pb2_grpc.MessagesServiceStub(channel)
        self.conversations_svc = conversations_pb2_grpc.ConversationsServiceStub(channel)
        self.sandbox_svc = sandbox_pb2_grpc.SandboxServiceStub(channel)
        self.admin_svc = admin_pb2_grpc.AdminServiceStub(channel)
        self.templates_svc = templates_pb2_grpc.TemplatesServiceStub(channel)
        self.media_svc = media_pb2_grpc.MediaServiceStub(channel)


S = None  # Stubs, set in main()


def auth(token):
    return (("authorization", "Bearer " + token),)


def admin():
    return auth(env("WA_ADMIN_TOKEN"))


def staff():
    return auth(env("WA_STAFF_TOKEN"))


def other_property():
    return auth(env("WA_OTHER_TOKEN"))


def to_datetime(ts):
    return ts.ToDatetime().replace(tzinfo=timezone.utc)


class ServerTestCase(unittest.TestCase):
    """Shared fixture: one guest inbound and one staff reply, made once."""

    inbound = None
    sent = None

    @classmethod
    def setUpClass(cls):
        if ServerTestCase.inbound is not None:
            return
        ServerTestCase.inbound = S.sandbox_svc.SimulateInbound(
            S.sandbox.SimulateInboundRequest(guest_phone=GUEST, text=GUEST_TEXT,
                                             conversation_id=CONV),
            metadata=admin(), timeout=10)
        ServerTestCase.sent = S.messages_svc.SendMessage(
            S.messages.SendMessageRequest(
                guest_phone=GUEST, message_type=S.common.MESSAGE_TYPE_TEXT,
                content=S.messages.TextContent(text=REPLY_TEXT), conversation_id=CONV,
                staff_member_id=STAFF_MEMBER),
            metadata=staff(), timeout=10)

    def wait_for_read(self, message_id):
        deadline = time.monotonic() + READ_TIMEOUT_S
        seen = []
        while True:
            status = S.messages_svc.GetMessageStatus(
                S.messages.GetMessageStatusRequest(message_id=message_id),
                metadata=staff(), timeout=10)
            if not seen or seen[-1] != status.status:
                seen.append(status.status)
            if status.status == S.common.MESSAGE_STATUS_READ:
                return status, seen
            if time.monotonic() > deadline:
                self.fail("message %s not read within %ss; statuses seen: %s"
                          % (message_id, READ_TIMEOUT_S, seen))
            time.sleep(0.1)

    def assert_rpc_error(self, call, grpc_code, error_code):
        """Runs call(), expects an RpcError; returns the unpacked ErrorDetail."""
        with self.assertRaises(grpc.RpcError) as caught:
            call()
        err = caught.exception
        self.assertEqual(err.code(), grpc_code, err.details())
        trailers = dict(err.trailing_metadata() or ())
        self.assertIn("grpc-status-details-bin", trailers,
                      "no grpc-status-details-bin trailer on %s" % grpc_code)
        status = S.status_pb2.Status()
        status.ParseFromString(trailers["grpc-status-details-bin"])
        self.assertEqual(status.code, grpc_code.value[0])
        self.assertGreaterEqual(len(status.details), 1, "google.rpc.Status has no details")
        detail = S.common.ErrorDetail()
        self.assertTrue(status.details[0].Is(S.common.ErrorDetail.DESCRIPTOR),
                        "details[0] is %s" % status.details[0].type_url)
        self.assertTrue(status.details[0].Unpack(detail))
        self.assertEqual(detail.code, error_code)
        # The library's helper finds the same detail.
        self.assertEqual(S.errors.error_detail(err), detail)
        self.assertTrue(detail.message, "ErrorDetail.message is empty")
        return detail


def reflection_stubs():
    """gRPC's reflection client (grpc-proto's .proto), compiled here under a
    folder of its own: one named grpc would shadow the grpc package."""
    out = tempfile.mkdtemp(prefix="wa-e2e-reflection-")
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    os.makedirs(os.path.join(out, "wa_reflection"))
    shutil.copy("/usr/share/grpc-proto/grpc/reflection/v1alpha/reflection.proto",
                os.path.join(out, "wa_reflection"))
    subprocess.run(["protoc", "-I" + out, "--python_out=" + out, "--grpc_out=" + out,
                    "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
                    "wa_reflection/reflection.proto"], check=True)
    sys.path.insert(0, out)
    from wa_reflection import reflection_pb2, reflection_pb2_grpc
    return reflection_pb2, reflection_pb2_grpc


class ReflectionTest(unittest.TestCase):
    """The contract's ErrorDetail is reachable through server reflection, so
    tools that browse the server (grpcurl) can decode errors."""

    def test_error_detail_is_reachable(self):
        from google.protobuf import descriptor_pb2
        reflection_pb2, reflection_pb2_grpc = reflection_stubs()
        stub = reflection_pb2_grpc.ServerReflectionStub(S.channel)
        request = reflection_pb2.ServerReflectionRequest(
            file_containing_symbol="hotel.whatsapp.v1.ErrorDetail")
        answer = next(stub.ServerReflectionInfo(iter([request]), timeout=10))
        self.assertTrue(answer.HasField("file_descriptor_response"), str(answer))
        files = [descriptor_pb2.FileDescriptorProto.FromString(raw)
                 for raw in answer.file_descriptor_response.file_descriptor_proto]
        self.assertTrue(any(m.name == "ErrorDetail" for f in files for m in f.message_type
                            if f.package == "hotel.whatsapp.v1"),
                        [f.name for f in files])


class FlowTest(ServerTestCase):

    def test_1_simulate_inbound(self):
        r = self.inbound
        self.assertEqual(r.conversation_id, CONV)
        self.assertEqual(r.message.direction, S.common.DIRECTION_INBOUND)
        self.assertEqual(r.message.status, S.common.MESSAGE_STATUS_RECEIVED)
        self.assertEqual(r.message.message_type, S.common.MESSAGE_TYPE_TEXT)
        self.assertEqual(r.message.text, GUEST_TEXT)
        self.assertTrue(r.message.message_id)

    def test_2_send_message_is_queued(self):
        r = self.sent
        self.assertTrue(r.message_id)
        self.assertEqual(r.status, S.common.MESSAGE_STATUS_QUEUED)
        self.assertEqual(r.conversation_id, CONV)
        self.assertTrue(r.HasField("created_at"))
        age = abs((datetime.now(timezone.utc) - to_datetime(r.created_at)).total_seconds())
        self.assertLess(age, 60)

    def test_3_message_status_reaches_read(self):
        status, seen = self.wait_for_read(self.sent.message_id)
        order = [S.common.MESSAGE_STATUS_QUEUED, S.common.MESSAGE_STATUS_SENT,
                 S.common.MESSAGE_STATUS_DELIVERED, S.common.MESSAGE_STATUS_READ]
        indexes = [order.index(s) for s in seen]
        self.assertEqual(indexes, sorted(set(indexes)), "statuses went backwards: %s" % seen)
        self.assertEqual(status.message_id, self.sent.message_id)
        self.assertEqual(status.failure_reason, "")
        self.assertEqual(status.failure_code, 0)
        self.assertFalse(status.HasField("failed_at"))
        for field in ("created_at", "sent_at", "delivered_at", "read_at"):
            self.assertTrue(status.HasField(field), field + " is not set")
        self.assertLessEqual(to_datetime(status.sent_at), to_datetime(status.delivered_at))
        self.assertLessEqual(to_datetime(status.delivered_at), to_datetime(status.read_at))
        self.assertTrue(status.whatsapp_message_id)
        self.assertEqual(status.conversation_id, CONV)
        self.assertEqual(status.guest_phone, GUEST)

    def test_4_get_conversation(self):
        self.wait_for_read(self.sent.message_id)
        c = S.conversations_svc.GetConversation(
            S.conversations.GetConversationRequest(conversation_id=CONV),
            metadata=staff(), timeout=10)
        self.assertEqual(c.conversation_id, CONV)
        self.assertEqual(c.guest_phone, GUEST)
        self.assertEqual(c.status, S.common.CONVERSATION_STATUS_ACTIVE)
        self.assertEqual(c.message_count, 2)
        self.assertEqual([m.direction for m in c.messages],
                         [S.common.DIRECTION_INBOUND, S.common.DIRECTION_OUTBOUND])
        self.assertEqual([m.text for m in c.messages], [GUEST_TEXT, REPLY_TEXT])
        self.assertEqual(c.messages[1].message_id, self.sent.message_id)
        self.assertEqual(c.messages[1].staff_member_id, STAFF_MEMBER)
        self.assertEqual(c.messages[1].status, S.common.MESSAGE_STATUS_READ)
        self.assertTrue(any(p.role == "guest" and p.guest_phone == GUEST for p in c.participants),
                        "guest missing from participants: %s" % list(c.participants))
        self.assertTrue(any(p.role == "staff" and p.staff_member_id == STAFF_MEMBER
                            for p in c.participants),
                        "staff missing from participants: %s" % list(c.participants))
        self.assertTrue(c.HasField("last_guest_message_at"))
        self.assertFalse(c.HasField("resolved_at"))

    def test_5_list_conversations(self):
        r = S.conversations_svc.ListConversations(
            S.conversations.ListConversationsRequest(
                guest_phone=GUEST, status=S.common.CONVERSATION_STATUS_ACTIVE),
            metadata=staff(), timeout=10)
        self.assertEqual([c.conversation_id for c in r.conversations], [CONV])
        self.assertEqual(r.conversations[0].guest_phone, GUEST)
        self.assertEqual(r.conversations[0].status, S.common.CONVERSATION_STATUS_ACTIVE)
        self.assertEqual(r.next_page_token, "")

    def test_6_window_status(self):
        w = S.conversations_svc.GetWindowStatus(
            S.conversations.GetWindowStatusRequest(conversation_id=CONV),
            metadata=staff(), timeout=10)
        self.assertTrue(w.within_window)
        self.assertGreater(w.hours_remaining, 23.5)
        self.assertLessEqual(w.hours_remaining, 24.0)
        self.assertEqual(to_datetime(w.window_expires_at),
                         to_datetime(w.last_guest_message_at) + timedelta(hours=24))
        self.assertEqual(w.conversation_id, CONV)
        self.assertEqual(w.guest_phone, GUEST)


class ErrorTest(ServerTestCase):

    def test_no_token_is_unauthenticated(self):
        self.assert_rpc_error(
            lambda: S.conversations_svc.GetConversation(
                S.conversations.GetConversationRequest(conversation_id=CONV), timeout=10),
            grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED")
        self.assert_rpc_error(
            lambda: S.conversations_svc.GetConversation(
                S.conversations.GetConversationRequest(conversation_id=CONV),
                metadata=auth("wrong-token"), timeout=10),
            grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED")

    def test_staff_on_admin_rpc_is_permission_denied(self):
        self.assert_rpc_error(
            lambda: S.sandbox_svc.SimulateInbound(
                S.sandbox.SimulateInboundRequest(guest_phone=GUEST, text="Hi"),
                metadata=staff(), timeout=10),
            grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED")
        self.assert_rpc_error(
            lambda: S.admin_svc.ListTokens(S.admin.ListTokensRequest(), metadata=staff(),
                                           timeout=10),
            grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED")

    def test_invalid_phone_is_invalid_argument(self):
        self.assert_rpc_error(
            lambda: S.messages_svc.SendMessage(
                S.messages.SendMessageRequest(
                    guest_phone="12345", message_type=S.common.MESSAGE_TYPE_TEXT,
                    content=S.messages.TextContent(text="Hello")),
                metadata=staff(), timeout=10),
            grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PHONE_NUMBER")

    def test_window_expired_is_failed_precondition(self):
        last = (datetime.now(timezone.utc) - timedelta(hours=30)).replace(microsecond=0)
        request = S.sandbox.SimulateInboundRequest(guest_phone=LATE_GUEST, text="Bye",
                                                   conversation_id=LATE_CONV)
        request.timestamp.FromDatetime(last.replace(tzinfo=None))
        S.sandbox_svc.SimulateInbound(request, metadata=admin(), timeout=10)

        detail = self.assert_rpc_error(
            lambda: S.messages_svc.SendMessage(
                S.messages.SendMessageRequest(
                    guest_phone=LATE_GUEST, message_type=S.common.MESSAGE_TYPE_TEXT,
                    content=S.messages.TextContent(text="Still there?")),
                metadata=staff(), timeout=10),
            grpc.StatusCode.FAILED_PRECONDITION, "MESSAGE_WINDOW_EXPIRED")
        fields = detail.details.fields
        for key in ("guest_phone", "last_guest_message", "window_expires", "suggested_templates"):
            self.assertIn(key, fields, "details lacks " + key)
        self.assertEqual(fields["guest_phone"].string_value, LATE_GUEST)
        self.assertEqual(parse_rfc3339(fields["last_guest_message"].string_value), last)
        self.assertEqual(parse_rfc3339(fields["window_expires"].string_value),
                         last + timedelta(hours=24))
        self.assertEqual(fields["suggested_templates"].WhichOneof("kind"), "list_value")
        self.assertGreater(len(detail.recovery_options), 0)

        w = S.conversations_svc.GetWindowStatus(
            S.conversations.GetWindowStatusRequest(conversation_id=LATE_CONV),
            metadata=staff(), timeout=10)
        self.assertFalse(w.within_window)
        self.assertEqual(w.hours_remaining, 0)

    def test_unknown_conversation_is_not_found(self):
        self.assert_rpc_error(
            lambda: S.conversations_svc.GetConversation(
                S.conversations.GetConversationRequest(conversation_id="conv_missing"),
                metadata=staff(), timeout=10),
            grpc.StatusCode.NOT_FOUND, "NOT_FOUND")

    def test_other_property_sees_not_found(self):
        self.assert_rpc_error(
            lambda: S.conversations_svc.GetConversation(
                S.conversations.GetConversationRequest(conversation_id=CONV),
                metadata=other_property(), timeout=10),
            grpc.StatusCode.NOT_FOUND, "NOT_FOUND")

    def test_template_send_with_named_parameters(self):
        listed = S.templates_svc.ListTemplates(
            S.templates.ListTemplatesRequest(language="en", category="guest_services"),
            metadata=staff(), timeout=10)
        self.assertIn("service_followup", [t.name for t in listed.templates])
        sent = S.templates_svc.SendTemplateMessage(
            S.templates.SendTemplateMessageRequest(
                guest_phone=TEMPLATE_GUEST, template_name="service_followup", language="en",
                parameters={"guest_name": "Ana", "service_type": "Airport transfer"}),
            metadata=staff(), timeout=10)
        self.assertEqual(sent.status, S.common.MESSAGE_STATUS_QUEUED)
        self.assert_rpc_error(
            lambda: S.templates_svc.SendTemplateMessage(
                S.templates.SendTemplateMessageRequest(
                    guest_phone=TEMPLATE_GUEST, template_name="service_followup", language="en",
                    parameters={"guest_name": "Ana"}),
                metadata=staff(), timeout=10),
            grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")

    def test_media_upload_streams_and_downloads_byte_for_byte(self):
        pdf = make_pdf(300 * 1024)
        chunks = [S.media.UploadMediaRequest(metadata=S.media.MediaMetadata(
            media_type=S.common.MEDIA_TYPE_DOCUMENT, filename="folio.pdf"))]
        chunks += [S.media.UploadMediaRequest(chunk=pdf[i:i + 64 * 1024])
                   for i in range(0, len(pdf), 64 * 1024)]
        media = S.media_svc.UploadMedia(iter(chunks), metadata=staff(), timeout=30)
        self.assertEqual(media.mime_type, "application/pdf")
        self.assertEqual(media.size_bytes, len(pdf))
        self.assertEqual(media.sha256, hashlib.sha256(pdf).hexdigest())
        downloaded = b"".join(
            part.data for part in S.media_svc.DownloadMedia(
                S.media.DownloadMediaRequest(media_id=media.media_id), metadata=staff(),
                timeout=30))
        self.assertEqual(downloaded, pdf)
        # A file whose name lies about its type is judged by its bytes.
        liar = [S.media.UploadMediaRequest(metadata=S.media.MediaMetadata(
                    media_type=S.common.MEDIA_TYPE_IMAGE, filename="photo.jpg")),
                S.media.UploadMediaRequest(chunk=pdf)]
        self.assert_rpc_error(lambda: S.media_svc.UploadMedia(iter(liar), metadata=staff(),
                                                              timeout=30),
                              grpc.StatusCode.INVALID_ARGUMENT, "MEDIA_UPLOAD_FAILED")


    def test_batch_send_with_an_idempotency_key(self):
        request = S.messages.BatchSendMessagesRequest(
            messages=[S.messages.BatchMessage(phone="+1234567890", content="Message 1"),
                      S.messages.BatchMessage(phone="12", content="Message 2")],
            rate_limit=S.messages.BatchRateLimit(messages_per_second=10, batch_size=100),
            idempotency_key="python-batch-%d" % time.time_ns())
        first = S.messages_svc.BatchSendMessages(request, metadata=staff(), timeout=10)
        again = S.messages_svc.BatchSendMessages(request, metadata=staff(), timeout=10)
        self.assertTrue(first.batch_id.startswith("batch_"))
        self.assertEqual(again.batch_id, first.batch_id)
        self.assertEqual((first.accepted, first.rejected), (1, 1))
        self.assertEqual(first.errors[0].code, "INVALID_PHONE_NUMBER")
        batch = S.messages_svc.GetBatch(S.messages.GetBatchRequest(batch_id=first.batch_id),
                                        metadata=staff(), timeout=10)
        self.assertEqual(batch.total, 2)
        self.assertEqual(len(batch.items), 2)


def make_pdf(size):
    """A small valid-looking PDF padded with a comment to `size` bytes."""
    head = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%"
    tail = b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return head + b"x" * (size - len(head) - len(tail)) + tail


def parse_rfc3339(text):
    """Parses an RFC 3339 UTC timestamp (optional fraction) into an aware datetime."""
    if not text.endswith("Z"):
        raise AssertionError("not an RFC 3339 UTC timestamp: %r" % text)
    base, _, frac = text[:-1].partition(".")
    when = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    if frac:
        when += timedelta(microseconds=int((frac + "000000")[:6]))
    return when


def main():
    global S
    use_client_library()
    S = Stubs()
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
