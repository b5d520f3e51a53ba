// Batch sends through both surfaces of a real wa-server: validation per
// item, pacing, progress, cancel and a restart mid-batch.
#include <algorithm>
#include <iostream>

#include "nlohmann/json.hpp"
#include "tests/integration/api_fixture.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using ::nlohmann::json;

Rpc GetBatchRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.MessagesService/GetBatch", "GET",
          absl::StrCat(kApi, "/messages/batches/", id, "?page_size=1000")};
}
Rpc CancelBatchRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.MessagesService/CancelBatch", "POST",
          absl::StrCat(kApi, "/messages/batches/", id, "/cancel"), true};
}

v1::BatchMessage Text(const std::string& phone, const std::string& text) {
  v1::BatchMessage m;
  m.set_phone(phone);
  m.set_content(text);
  return m;
}

double Seconds(const google::protobuf::Timestamp& t) { return t.seconds() + t.nanos() / 1e9; }

// Reads a batch over `surface` until `done` holds or 30 s pass.
template <typename Done>
v1::Batch WaitForBatch(Surface& surface, const std::string& token, const std::string& id,
                       Done done) {
  v1::Batch batch;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    batch.Clear();
    v1::GetBatchRequest request;
    request.set_batch_id(id);
    request.set_page_size(1000);
    Outcome outcome = surface.Call(GetBatchRpc(id), token, request, &batch);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    if (!outcome.ok || done(batch)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return batch;
}

bool Completed(const v1::Batch& b) { return b.status() == v1::BATCH_STATUS_COMPLETED; }

class BatchTest : public ApiTest {
 protected:
  v1::BatchSendMessagesResponse Send(const v1::BatchSendMessagesRequest& request) {
    v1::BatchSendMessagesResponse response;
    Outcome outcome = surface_->Call(BatchSendRpc(), *staff_, request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return response;
  }
  template <typename Done>
  v1::Batch Wait(const std::string& id, Done done) {
    return WaitForBatch(*surface_, *staff_, id, done);
  }
};

TEST_P(BatchTest, TheReferenceExampleIsAcceptedAndEachItemMeetsTheWindowRule) {
  // Word for word the reference's request; neither guest has written in.
  v1::BatchSendMessagesRequest request;
  *request.add_messages() = Text("+1234567890", "Message 1");
  *request.add_messages() = Text("+1234567891", "Message 2");
  request.mutable_rate_limit()->set_messages_per_second(10);
  request.mutable_rate_limit()->set_batch_size(100);
  request.mutable_delivery_options()->set_retry_failed(true);
  request.mutable_delivery_options()->set_track_delivery(true);
  v1::BatchSendMessagesResponse accepted = Send(request);
  EXPECT_TRUE(absl::StartsWith(accepted.batch_id(), "batch_"));
  EXPECT_GT(accepted.estimated_completion().seconds(), 0);
  EXPECT_EQ(accepted.accepted(), 2);

  v1::Batch batch = Wait(accepted.batch_id(), Completed);
  EXPECT_EQ(batch.status(), v1::BATCH_STATUS_COMPLETED);
  EXPECT_EQ(batch.total(), 2);
  EXPECT_EQ(batch.failed(), 2);
  ASSERT_EQ(batch.failures_size(), 1);
  EXPECT_EQ(batch.failures(0).reason(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_EQ(batch.failures(0).count(), 2);
  ASSERT_EQ(batch.items_size(), 2);
  EXPECT_EQ(batch.items(0).status(), v1::BATCH_ITEM_STATUS_FAILED);
  EXPECT_EQ(batch.items(0).error_code(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_TRUE(batch.items(0).message_id().empty()) << "nothing was queued";
}

TEST_P(BatchTest, InvalidItemsAreReportedAloneAndTheOthersGoOut) {
  std::string with_window = NewGuest(), without_window = NewGuest(), template_guest = NewGuest();
  GuestWrites(with_window);
  v1::BatchSendMessagesRequest request;
  *request.add_messages() = Text(with_window, "Your room is ready");
  *request.add_messages() = Text("12345", "bad number");
  *request.add_messages() = Text(NewGuest(), "");
  v1::BatchMessage unknown;
  unknown.set_phone(NewGuest());
  unknown.set_template_name("no_such_template");
  unknown.set_language("en");
  *request.add_messages() = unknown;
  *request.add_messages() = Text(without_window, "Outside the window");
  v1::BatchMessage followup;
  followup.set_phone(template_guest);
  followup.set_template_name("service_followup");
  followup.set_language("en");
  (*followup.mutable_parameters())["guest_name"] = "John Smith";
  (*followup.mutable_parameters())["service_type"] = "Spa Massage";
  *request.add_messages() = followup;
  request.mutable_rate_limit()->set_messages_per_second(20);

  v1::BatchSendMessagesResponse accepted = Send(request);
  EXPECT_EQ(accepted.accepted(), 3);
  EXPECT_EQ(accepted.rejected(), 3);
  ASSERT_EQ(accepted.errors_size(), 3);
  EXPECT_EQ(accepted.errors(0).index(), 1);
  EXPECT_EQ(accepted.errors(0).code(), "INVALID_PHONE_NUMBER");
  EXPECT_EQ(accepted.errors(1).index(), 2);
  EXPECT_EQ(accepted.errors(1).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(accepted.errors(2).index(), 3);
  EXPECT_EQ(accepted.errors(2).code(), "TEMPLATE_NOT_FOUND");

  v1::Batch batch = Wait(accepted.batch_id(),
                         [](const v1::Batch& b) { return Completed(b) && b.delivered() == 2; });
  EXPECT_EQ(batch.status(), v1::BATCH_STATUS_COMPLETED);
  EXPECT_EQ(batch.total(), 6);
  EXPECT_EQ(batch.sent(), 2);
  EXPECT_EQ(batch.delivered(), 2);
  EXPECT_EQ(batch.failed(), 4);
  EXPECT_EQ(batch.queued(), 0);
  std::map<std::string, int> failures;
  for (const v1::BatchFailureCount& f : batch.failures()) failures[f.reason()] = f.count();
  EXPECT_EQ(failures, (std::map<std::string, int>{{"INVALID_ARGUMENT", 1},
                                                  {"INVALID_PHONE_NUMBER", 1},
                                                  {"MESSAGE_WINDOW_EXPIRED", 1},
                                                  {"TEMPLATE_NOT_FOUND", 1}}));
  ASSERT_EQ(batch.items_size(), 6);
  EXPECT_FALSE(batch.items(0).message_id().empty());
  EXPECT_GE(batch.items(0).status(), v1::BATCH_ITEM_STATUS_DELIVERED);
  EXPECT_EQ(batch.items(4).error_code(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_FALSE(batch.items(5).message_id().empty()) << "a template needs no window";
}

// Items per second from their times in order: the least-squares slope of
// time against position, so one late wake-up on a busy machine does not
// decide the figure the way first-to-last would.
double RateOf(std::vector<double> times) {
  std::sort(times.begin(), times.end());
  const double n = static_cast<double>(times.size());
  double mean_i = (n - 1) / 2, mean_t = 0;
  for (double t : times) mean_t += t / n;
  double covariance = 0, variance = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    covariance += (i - mean_i) * (times[i] - mean_t);
    variance += (i - mean_i) * (i - mean_i);
  }
  return variance / covariance;
}

TEST_P(BatchTest, ItemsGoOutAtTheRequestedRate) {
  constexpr int kItems = 31;
  constexpr double kRate = 10;
  v1::BatchSendMessagesRequest request;
  for (int i = 0; i < kItems; ++i) {
    std::string guest = NewGuest();
    GuestWrites(guest);
    *request.add_messages() = Text(guest, absl::StrCat("Message ", i));
  }
  request.mutable_rate_limit()->set_messages_per_second(kRate);
  v1::BatchSendMessagesResponse accepted = Send(request);
  ASSERT_EQ(accepted.accepted(), kItems);
  v1::Batch batch = Wait(accepted.batch_id(),
                         [](const v1::Batch& b) { return Completed(b) && b.sent() == kItems; });
  ASSERT_EQ(batch.sent(), kItems);
  std::vector<double> queued, sent;
  for (const v1::BatchItem& item : batch.items()) {
    queued.push_back(Seconds(item.queued_at()));
    sent.push_back(Seconds(item.sent_at()));
  }
  double queued_rate = RateOf(queued);
  double sent_rate = RateOf(sent);
  std::sort(queued.begin(), queued.end());
  double first_to_last = (kItems - 1) / (queued.back() - queued.front());
  std::cout << "[ pacing  ] requested " << kRate << "/s; queued at " << queued_rate
            << "/s (first to last " << first_to_last << "/s), sent (provider) at " << sent_rate
            << "/s\n";
  RecordProperty("queued_rate", std::to_string(queued_rate));
  RecordProperty("sent_rate", std::to_string(sent_rate));
  EXPECT_NEAR(queued_rate, kRate, kRate * 0.05);
  EXPECT_NEAR(sent_rate, kRate, kRate * 0.05);
}

TEST_P(BatchTest, ACancelledBatchReleasesNothingMore) {
  v1::BatchSendMessagesRequest request;
  for (int i = 0; i < 20; ++i) {
    std::string guest = NewGuest();
    GuestWrites(guest);
    *request.add_messages() = Text(guest, "Late checkout is available");
  }
  request.mutable_rate_limit()->set_messages_per_second(2);
  v1::BatchSendMessagesResponse accepted = Send(request);
  Wait(accepted.batch_id(), [](const v1::Batch& b) { return b.pending() < 20; });

  v1::CancelBatchRequest cancel;
  cancel.set_batch_id(accepted.batch_id());
  v1::Batch cancelled;
  Outcome outcome =
      surface_->Call(CancelBatchRpc(accepted.batch_id()), *staff_, cancel, &cancelled);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(cancelled.status(), v1::BATCH_STATUS_CANCELLED);
  EXPECT_GE(cancelled.cancelled(), 15);
  EXPECT_EQ(cancelled.pending(), 0);
  EXPECT_GT(cancelled.cancelled_at().seconds(), 0);

  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  v1::Batch later = Wait(accepted.batch_id(), [](const v1::Batch&) { return true; });
  EXPECT_EQ(later.status(), v1::BATCH_STATUS_CANCELLED);
  EXPECT_EQ(later.cancelled(), cancelled.cancelled()) << "no item was released after the cancel";

  cancel.set_batch_id("batch_nope");
  EXPECT_EQ(surface_->Call(CancelBatchRpc("batch_nope"), *staff_, cancel, &cancelled).grpc_code,
            grpc::NOT_FOUND);
  cancel.set_batch_id(accepted.batch_id());
  EXPECT_EQ(surface_->Call(CancelBatchRpc(accepted.batch_id()), *other_admin_, cancel, &cancelled)
                .grpc_code,
            grpc::NOT_FOUND)
      << "another hotel's batch is not there";
}

TEST_P(BatchTest, ABadBatchIsRefusedWhole) {
  v1::BatchSendMessagesRequest request;
  v1::BatchSendMessagesResponse response;
  Outcome empty = surface_->Call(BatchSendRpc(), *staff_, request, &response);
  EXPECT_EQ(empty.grpc_code, grpc::INVALID_ARGUMENT);
  EXPECT_EQ(empty.error.code(), "INVALID_ARGUMENT");
  *request.add_messages() = Text(NewGuest(), "x");
  request.mutable_rate_limit()->set_messages_per_second(-5);
  EXPECT_EQ(surface_->Call(BatchSendRpc(), *staff_, request, &response).grpc_code,
            grpc::INVALID_ARGUMENT);
  EXPECT_EQ(surface_->Call(BatchSendRpc(), "", request, &response).grpc_code,
            grpc::UNAUTHENTICATED);
}

// A batch with send_at starts then (README, "Scheduled sends"): until then
// its items show as scheduled; an item's own send_at schedules its message.
TEST_P(BatchTest, AScheduledBatchStartsAtItsSendAt) {
  std::string a = NewGuest(), b = NewGuest();
  GuestWrites(a);
  GuestWrites(b);
  auto rfc = [](absl::Time t) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
  };
  absl::Time start = absl::Now() + absl::Seconds(1);
  v1::BatchSendMessagesRequest request;
  *request.add_messages() = Text(a, "The pool opens at 7");
  *request.add_messages() = Text(b, "The pool opens at 7");
  request.set_send_at(rfc(start));
  request.mutable_rate_limit()->set_messages_per_second(10);
  v1::BatchSendMessagesResponse accepted = Send(request);
  ASSERT_EQ(accepted.accepted(), 2);
  v1::Batch waiting = Wait(accepted.batch_id(), [](const v1::Batch&) { return true; });
  ASSERT_EQ(waiting.items_size(), 2);
  EXPECT_EQ(waiting.items(0).status(), v1::BATCH_ITEM_STATUS_SCHEDULED);
  EXPECT_EQ(absl::ToUnixMillis(absl::FromUnixSeconds(waiting.scheduled_for().seconds()) +
                               absl::Nanoseconds(waiting.scheduled_for().nanos())),
            absl::ToUnixMillis(start));
  // A batch completes once its messages are handed to the provider; the
  // sandbox reports them sent a moment later (its status delay).
  v1::Batch done =
      Wait(accepted.batch_id(), [](const v1::Batch& b) { return Completed(b) && b.sent() == 2; });
  EXPECT_EQ(done.status(), v1::BATCH_STATUS_COMPLETED);
  EXPECT_EQ(done.sent(), 2);
  for (const v1::BatchItem& item : done.items()) {
    EXPECT_GE(Seconds(item.queued_at()), absl::ToUnixMicros(start) / 1e6 - 0.001);
  }

  // Bad timing on the batch is refused whole; on an item, the item alone.
  request.set_send_at("next week");
  Outcome outcome = surface_->Call(BatchSendRpc(), *staff_, request, &accepted);
  EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT");
  request.set_send_at("");
  request.mutable_messages(0)->set_send_at("soon");
  request.mutable_messages(1)->set_send_at(rfc(absl::Now() + absl::Hours(1)));
  accepted = Send(request);
  EXPECT_EQ(accepted.accepted(), 1);
  ASSERT_EQ(accepted.errors_size(), 1);
  EXPECT_EQ(accepted.errors(0).index(), 0);
  v1::Batch own = Wait(accepted.batch_id(), [](const v1::Batch& b) {
    return b.items_size() == 2 && b.items(1).status() == v1::BATCH_ITEM_STATUS_SCHEDULED;
  });
  EXPECT_EQ(own.items(1).status(), v1::BATCH_ITEM_STATUS_SCHEDULED);
  EXPECT_EQ(own.status(), v1::BATCH_STATUS_IN_PROGRESS) << "a scheduled message keeps it open";
}

INSTANTIATE_TEST_SUITE_P(Surfaces, BatchTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

// The reference's snippet as it goes over the wire.
TEST(BatchRestTest, TheReferenceRequestVerbatim) {
  ServerProcess server;
  server.Start();
  std::string staff = server.CreateToken("staff");
  httplib::Client client("127.0.0.1", server.http_port());
  auto res = client.Post(absl::StrCat(kApi, "/messages/batch-send"),
                         {{"Authorization", "Bearer " + staff}}, R"({
    "messages": [
      { "phone": "+1234567890", "content": "Message 1" },
      { "phone": "+1234567891", "content": "Message 2" }
    ],
    "rate_limit": { "messages_per_second": 10, "batch_size": 100 },
    "delivery_options": { "retry_failed": true, "track_delivery": true }
  })",
                         "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json body = json::parse(res->body);
  EXPECT_TRUE(body["batch_id"].is_string());
  EXPECT_TRUE(body["estimated_completion"].is_string());
  EXPECT_TRUE(absl::EndsWith(body["estimated_completion"].get<std::string>(), "Z"));

  res = client.Get(absl::StrCat(kApi, "/messages/batches/", body["batch_id"].get<std::string>()),
                   {{"Authorization", "Bearer " + staff}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json batch = json::parse(res->body);
  EXPECT_EQ(batch["total"], 2);
  EXPECT_TRUE(batch["status"] == "in_progress" || batch["status"] == "completed") << res->body;
  EXPECT_TRUE(batch["items"].is_array());
}

// Every item is queued exactly once though the server dies mid-batch.
TEST(BatchRestartTest, ABatchSurvivesAKillWithEveryItemSentOnce) {
  ServerProcess server;
  server.Start();
  std::string admin = server.CreateToken("admin");
  std::string staff = server.CreateToken("staff");
  auto surface = MakeGrpcSurface(server.grpc_address());
  constexpr int kItems = 15;
  v1::BatchSendMessagesRequest request;
  for (int i = 0; i < kItems; ++i) {
    std::string guest = absl::StrCat("+1555300", 1000 + i);
    v1::SimulateInboundRequest inbound;
    inbound.set_guest_phone(guest);
    inbound.set_text("hello");
    v1::SimulateInboundResponse written;
    ASSERT_TRUE(surface->Call(InboundRpc(), admin, inbound, &written).ok);
    *request.add_messages() = Text(guest, absl::StrCat("Message ", i));
  }
  request.mutable_rate_limit()->set_messages_per_second(5);
  v1::BatchSendMessagesResponse accepted;
  ASSERT_TRUE(surface->Call(BatchSendRpc(), staff, request, &accepted).ok);
  v1::Batch before = WaitForBatch(*surface, staff, accepted.batch_id(),
                                  [](const v1::Batch& b) { return b.pending() <= 10; });
  server.Kill();
  server.Start();
  surface = MakeGrpcSurface(server.grpc_address());
  v1::Batch after = WaitForBatch(*surface, staff, accepted.batch_id(), [](const v1::Batch& b) {
    return Completed(b) && b.sent() == kItems;
  });
  EXPECT_GT(before.pending(), 0) << "the kill came mid-batch";
  EXPECT_EQ(after.status(), v1::BATCH_STATUS_COMPLETED);
  EXPECT_EQ(after.sent(), kItems);
  std::set<std::string> ids;
  for (const v1::BatchItem& item : after.items()) {
    ids.insert(item.message_id());
    // The guest's conversation holds their message once: in, then out.
    v1::MessageStatusResponse status;
    v1::GetMessageStatusRequest get;
    get.set_message_id(item.message_id());
    ASSERT_TRUE(surface->Call(StatusRpc(item.message_id()), staff, get, &status).ok);
    v1::GetConversationRequest conv;
    conv.set_conversation_id(status.conversation_id());
    v1::Conversation conversation;
    ASSERT_TRUE(
        surface->Call(ConversationRpc(status.conversation_id()), staff, conv, &conversation).ok);
    int outbound = 0;
    for (const v1::Message& m : conversation.messages()) {
      if (m.direction() == v1::DIRECTION_OUTBOUND) ++outbound;
    }
    EXPECT_EQ(outbound, 1) << item.phone();
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kItems));
}

}  // namespace
}  // namespace wa::testing
