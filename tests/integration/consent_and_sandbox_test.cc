// Consent on the send path and the sandbox's test numbers, through both
// surfaces of a real wa-server.
#include "tests/integration/api_fixture.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

Rpc GetConsentRpc(const std::string& phone) {
  return {"/hotel.whatsapp.v1.ConsentService/GetGuestConsent", "GET",
          absl::StrCat(kApi, "/guests/%2B", phone.substr(1), "/consent")};
}
Rpc SetConsentRpc(const std::string& phone) {
  return {"/hotel.whatsapp.v1.ConsentService/SetGuestConsent", "POST",
          absl::StrCat(kApi, "/guests/%2B", phone.substr(1), "/consent"), true};
}

class ConsentAndSandboxTest : public ApiTest {
 protected:
  void GuestSays(const std::string& phone, const std::string& text) {
    v1::SimulateInboundRequest request;
    request.set_guest_phone(phone);
    request.set_text(text);
    v1::SimulateInboundResponse response;
    ASSERT_TRUE(surface_->Call(InboundRpc(), *admin_, request, &response).ok);
  }
};

TEST_P(ConsentAndSandboxTest, AGuestWhoWritesStopIsNotMessagedUntilStart) {
  std::string guest = NewGuest();
  GuestSays(guest, "Hello");
  GuestSays(guest, "STOP");
  v1::SendMessageResponse sent;
  Outcome refused = Send(guest, "", &sent);
  EXPECT_EQ(refused.error.code(), "GUEST_OPTED_OUT");
  if (GetParam() == "rest") EXPECT_EQ(refused.http_status, 403);
  EXPECT_EQ(refused.error.details().fields().at("guest_phone").string_value(), guest);

  v1::GetGuestConsentRequest get;
  get.set_guest_phone(guest);
  v1::GuestConsent consent;
  ASSERT_TRUE(surface_->Call(GetConsentRpc(guest), *admin_, get, &consent).ok);
  EXPECT_TRUE(consent.opted_out());
  ASSERT_EQ(consent.history_size(), 1);
  EXPECT_EQ(consent.history(0).source(), "inbound_keyword");

  GuestSays(guest, "start");
  EXPECT_TRUE(Send(guest, "", &sent).ok);
}

TEST_P(ConsentAndSandboxTest, AnAdminRecordsConsentWithAReason) {
  std::string guest = NewGuest();
  GuestSays(guest, "Hello");
  v1::SetGuestConsentRequest set;
  set.set_guest_phone(guest);
  set.set_scope("all");
  set.set_opted_in(false);
  set.set_reason("guest asked at the front desk");
  v1::GuestConsent consent;
  ASSERT_TRUE(surface_->Call(SetConsentRpc(guest), *admin_, set, &consent).ok);
  EXPECT_TRUE(consent.opted_out());
  v1::SendMessageResponse sent;
  EXPECT_EQ(Send(guest, "", &sent).error.code(), "GUEST_OPTED_OUT");

  // Staff may not change consent; a reason is required.
  EXPECT_EQ(surface_->Call(SetConsentRpc(guest), *staff_, set, &consent).grpc_code,
            grpc::PERMISSION_DENIED);
  set.set_reason("");
  set.set_opted_in(true);
  EXPECT_EQ(surface_->Call(SetConsentRpc(guest), *admin_, set, &consent).grpc_code,
            grpc::INVALID_ARGUMENT);
  EXPECT_EQ(Send(guest, "", &sent).error.code(), "GUEST_OPTED_OUT") << "nothing changed";
}

TEST_P(ConsentAndSandboxTest, UndeliverableTestNumberFails) {
  GuestSays("+15005550001", "Hello");
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send("+15005550001", "", &sent).ok);
  v1::MessageStatusResponse status = WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_FAILED);
  EXPECT_EQ(status.status(), v1::MESSAGE_STATUS_FAILED);
  EXPECT_EQ(status.failure_code(), 131026);
  EXPECT_NE(status.failure_reason().find("undeliverable"), std::string::npos);
  EXPECT_TRUE(status.has_failed_at());
}

TEST_P(ConsentAndSandboxTest, RateLimitedTestNumberIsRetriedThenDelivered) {
  GuestSays("+15005550002", "Hello");
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send("+15005550002", "", &sent).ok);
  v1::MessageStatusResponse status = WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_READ);
  EXPECT_EQ(status.status(), v1::MESSAGE_STATUS_READ);
  EXPECT_EQ(status.failure_reason(), "");
}

TEST_P(ConsentAndSandboxTest, FailedAfterSentTestNumber) {
  GuestSays("+15005550004", "Hello");
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send("+15005550004", "", &sent).ok);
  v1::MessageStatusResponse status = WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_FAILED);
  EXPECT_EQ(status.status(), v1::MESSAGE_STATUS_FAILED);
  EXPECT_TRUE(status.has_sent_at());
  EXPECT_FALSE(status.has_delivered_at());
  EXPECT_EQ(status.failure_code(), 131026);
}

INSTANTIATE_TEST_SUITE_P(BothSurfaces, ConsentAndSandboxTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wa::testing
