// Scheduled sends through the real server, on both surfaces and both
// stores (README, "Scheduled sends"): released on time and once, across a
// restart; cancel, reschedule and list; quiet hours set by an admin; bad
// input refused with nothing stored. Short offsets (a second or two), no
// long sleeps; the release rules themselves are unit-tested with a fake
// clock (tests/unit/server/scheduled_release_test.cc).
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/properties.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "tests/integration/api_fixture.h"

namespace wa::testing {
namespace {

Rpc CancelRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.MessagesService/CancelMessage", "POST",
          absl::StrCat(kApi, "/messages/", id, "/cancel"), true};
}
Rpc RescheduleRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.MessagesService/RescheduleMessage", "POST",
          absl::StrCat(kApi, "/messages/", id, "/reschedule"), true};
}
Rpc ListMessagesRpc(const std::string& guest) {
  return {"/hotel.whatsapp.v1.MessagesService/ListMessages", "GET",
          absl::StrCat(kApi, "/messages?status=scheduled&guest_phone=%2B", guest.substr(1))};
}
Rpc GetPropertyRpc() {
  return {"/hotel.whatsapp.v1.PropertiesService/GetProperty", "GET",
          absl::StrCat(kApi, "/property")};
}
Rpc PatchPropertyRpc() {
  return {"/hotel.whatsapp.v1.PropertiesService/UpdateProperty", "PATCH",
          absl::StrCat(kApi, "/property"), true};
}

std::string Rfc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

class ScheduledSendsTest : public ApiTest {
 protected:
  Outcome SendAt(const std::string& guest, const std::string& send_at, v1::SendMessageResponse* out,
                 const std::string& valid_until = "") {
    v1::SendMessageRequest request;
    request.set_guest_phone(guest);
    request.mutable_content()->set_text("Your room is ready");
    request.mutable_send_at()->set_string_value(send_at);
    request.set_valid_until(valid_until);
    return surface_->Call(SendMessageRpc(), *staff_, request, out);
  }

  int ScheduledFor(const std::string& guest) {
    v1::ListMessagesRequest request;  // REST: the same in the query string
    request.set_status(v1::MESSAGE_STATUS_SCHEDULED);
    request.set_guest_phone(guest);
    v1::ListMessagesResponse response;
    Outcome outcome = surface_->Call(ListMessagesRpc(guest), *staff_, request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return response.messages_size();
  }
};

TEST_P(ScheduledSendsTest, ReleasedOnTimeAndListedUntilThen) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  absl::Time send_at = absl::Now() + absl::Seconds(1);
  v1::SendMessageResponse sent;
  Outcome outcome = SendAt(guest, Rfc(send_at), &sent);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(sent.status(), v1::MESSAGE_STATUS_SCHEDULED);
  EXPECT_EQ(absl::ToUnixMillis(FromProto(sent.scheduled_for())), absl::ToUnixMillis(send_at));
  if (GetParam() == "rest") {
    EXPECT_TRUE(absl::StrContains(outcome.raw_body, "\"status\":\"scheduled\""))
        << outcome.raw_body;
  }
  EXPECT_EQ(ScheduledFor(guest), 1);

  v1::MessageStatusResponse status = WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_READ);
  ASSERT_EQ(status.status(), v1::MESSAGE_STATUS_READ);
  absl::Time sent_at = FromProto(status.sent_at());
  EXPECT_GE(sent_at, send_at);
  EXPECT_LT(sent_at - send_at, absl::Seconds(3)) << "released late";
  EXPECT_EQ(ScheduledFor(guest), 0);
}

TEST_P(ScheduledSendsTest, CancelAndRescheduleWhileScheduled) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  v1::SendMessageResponse later;
  ASSERT_TRUE(SendAt(guest, Rfc(absl::Now() + absl::Hours(1)), &later).ok);
  v1::SendMessageResponse doomed;
  ASSERT_TRUE(SendAt(guest, Rfc(absl::Now() + absl::Seconds(1)), &doomed).ok);
  EXPECT_EQ(ScheduledFor(guest), 2);

  v1::CancelMessageRequest cancel;
  cancel.set_message_id(doomed.message_id());
  cancel.set_reason("the guest checked out");
  v1::MessageStatusResponse cancelled;
  Outcome outcome = surface_->Call(CancelRpc(doomed.message_id()), *staff_, cancel, &cancelled);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(cancelled.status(), v1::MESSAGE_STATUS_CANCELLED);
  EXPECT_EQ(cancelled.end_reason(), "CANCELLED: the guest checked out");
  // Once over, a second cancel is refused.
  outcome = surface_->Call(CancelRpc(doomed.message_id()), *staff_, cancel, &cancelled);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.code(), "FAILED_PRECONDITION");

  // The hour-away message is brought forward to now + 1 s and goes.
  v1::RescheduleMessageRequest move;
  move.set_message_id(later.message_id());
  move.mutable_send_at()->set_string_value(Rfc(absl::Now() + absl::Seconds(1)));
  v1::MessageStatusResponse moved;
  outcome = surface_->Call(RescheduleRpc(later.message_id()), *staff_, move, &moved);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(moved.status(), v1::MESSAGE_STATUS_SCHEDULED);
  EXPECT_EQ(WaitForStatus(later.message_id(), v1::MESSAGE_STATUS_READ).status(),
            v1::MESSAGE_STATUS_READ);
  EXPECT_EQ(WaitForStatus(doomed.message_id(), v1::MESSAGE_STATUS_CANCELLED).status(),
            v1::MESSAGE_STATUS_CANCELLED);
  // A message that went can no longer be moved.
  outcome = surface_->Call(RescheduleRpc(later.message_id()), *staff_, move, &moved);
  EXPECT_FALSE(outcome.ok);
}

TEST_P(ScheduledSendsTest, BadTimingIsRefusedAndStoresNothing) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  v1::SendMessageResponse sent;
  struct Case {
    std::string send_at, valid_until, field;
  } cases[] = {
      {"tomorrow at noon", "", "send_at"},
      {Rfc(absl::Now() + absl::Hours(24 * 91)), "", "send_at"},
      {Rfc(absl::Now() + absl::Hours(2)), Rfc(absl::Now() + absl::Hours(1)), "valid_until"},
      {"", Rfc(absl::Now() - absl::Minutes(1)), "valid_until"},
  };
  for (const Case& c : cases) {
    Outcome outcome = SendAt(guest, c.send_at, &sent, c.valid_until);
    EXPECT_FALSE(outcome.ok) << c.send_at << " / " << c.valid_until;
    EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT") << outcome.raw_body;
    if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 400);
  }
  // Free-form past the guest's window: refused with template suggestions.
  std::string closing = NewGuest();
  GuestWrites(closing, "", absl::Hours(23));
  Outcome outcome = SendAt(closing, Rfc(absl::Now() + absl::Hours(2)), &sent);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.code(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_TRUE(outcome.error.details().fields().contains("suggested_templates"));
  EXPECT_EQ(ScheduledFor(guest), 0);
  EXPECT_EQ(ScheduledFor(closing), 0);
}

TEST_P(ScheduledSendsTest, AdminsSetQuietHoursAndEveryoneSeesThem) {
  v1::Property property;
  ASSERT_TRUE(surface_->Call(GetPropertyRpc(), *staff_, v1::GetPropertyRequest(), &property).ok);
  EXPECT_EQ(property.quiet_hours().start(), "21:00");  // the default
  EXPECT_EQ(property.quiet_hours().end(), "08:00");

  v1::UpdatePropertyRequest patch;
  patch.mutable_quiet_hours()->set_start("22:30");
  patch.mutable_quiet_hours()->set_end("07:00");
  Outcome outcome = surface_->Call(PatchPropertyRpc(), *staff_, patch, &property);
  EXPECT_FALSE(outcome.ok) << "staff may not change quiet hours";
  outcome = surface_->Call(PatchPropertyRpc(), *admin_, patch, &property);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(property.quiet_hours().start(), "22:30");

  patch.mutable_quiet_hours()->set_start("25:00");
  outcome = surface_->Call(PatchPropertyRpc(), *admin_, patch, &property);
  EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT");
  ASSERT_TRUE(surface_->Call(GetPropertyRpc(), *staff_, v1::GetPropertyRequest(), &property).ok);
  EXPECT_EQ(property.quiet_hours().start(), "22:30") << "a refused change changed something";

  patch.mutable_quiet_hours()->Clear();  // {}: off
  ASSERT_TRUE(surface_->Call(PatchPropertyRpc(), *admin_, patch, &property).ok);
  EXPECT_FALSE(property.has_quiet_hours());
  patch.mutable_quiet_hours()->set_start("21:00");
  patch.mutable_quiet_hours()->set_end("08:00");
  ASSERT_TRUE(surface_->Call(PatchPropertyRpc(), *admin_, patch, &property).ok);
}

TEST_P(ScheduledSendsTest, ReleasedAfterARestart) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  absl::Time send_at = absl::Now() + absl::Seconds(1);
  v1::SendMessageResponse sent;
  ASSERT_TRUE(SendAt(guest, Rfc(send_at), &sent).ok);
  surface_.reset();  // no open channel for the graceful stop to wait for
  server_->Stop();
  absl::SleepFor(send_at - absl::Now() + absl::Milliseconds(200));  // due while down
  server_->Start();
  SetUp();  // new connections to the restarted server
  EXPECT_EQ(WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_READ).status(),
            v1::MESSAGE_STATUS_READ);
}

INSTANTIATE_TEST_SUITE_P(Surfaces, ScheduledSendsTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wa::testing
