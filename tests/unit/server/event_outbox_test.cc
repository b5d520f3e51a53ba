#include "server/domain/event_outbox.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/domain/inbound_service.h"
#include "server/domain/status_service.h"
#include "server/storage/message_repository.h"
#include "server/storage/retention_repository.h"
#include "server/workers/retention_pruner.h"
#include "tests/unit/server/counting_waker.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

class EventOutboxTest : public ::testing::Test {
 protected:
  void Subscribe(std::vector<std::string> events, const std::string& property = "p1") {
    storage::WebhookConfigRecord config;
    config.property_id = property;
    config.webhook_url = "https://hotel.example/hook";
    config.events = std::move(events);
    config.secret = "whsec_x";
    config.updated_at = absl::Now();
    ASSERT_TRUE(t_.db().Transaction([&] { return webhooks_.PutConfig(config); }).ok());
  }

  std::vector<storage::WebhookEventRecord> Events(const std::string& property = "p1") {
    storage::WebhookEventFilter filter;
    filter.property_id = property;
    filter.limit = 100;
    auto events = storage::ReadValue(t_.db(), [&] { return webhooks_.ListEvents(filter); });
    EXPECT_TRUE(events.ok()) << events.status();
    std::reverse(events->begin(), events->end());  // oldest first
    return *events;
  }

  storage::MessageRecord Inbound(const std::string& text,
                                 v1::MessageType type = v1::MESSAGE_TYPE_TEXT,
                                 const std::string& payload = "") {
    InboundMessage in;
    in.guest_phone = "+1234567890";
    in.whatsapp_message_id = "wamid.in." + std::to_string(++inbound_count_);
    in.message_type = type;
    in.body = text;
    in.payload = payload;
    in.at = absl::Now();
    in.new_conversation_id = "conv_abc123";
    absl::StatusOr<InboundResult> result = inbound_.Record("p1", in);
    EXPECT_TRUE(result.ok()) << result.status();
    return result->message;
  }

  testing::TestDb t_;
  storage::WebhookRepository webhooks_{t_.db()};
  EventOutbox outbox_{t_.db()};
  InboundService inbound_{t_.db(), ConsentKeywords{}};
  StatusService statuses_{t_.db()};
  int inbound_count_ = 0;
};

TEST_F(EventOutboxTest, StoresOnlyWhatThePropertySubscribedTo) {
  auto emit = [&](const std::string& property, const std::string& event) {
    return storage::TransactValue(t_.db(), [&] {
      return outbox_.EmitInTransaction(property, event, "conv_1", R"({"k": 1})");
    });
  };
  auto none = emit("p1", "inbound_message");  // no webhook yet
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  Subscribe({"inbound_message"});
  EXPECT_FALSE(emit("p1", "message_read")->has_value());
  EXPECT_FALSE(emit("p2", "inbound_message")->has_value());
  auto stored = emit("p1", "inbound_message");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  std::vector<storage::WebhookEventRecord> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event_id, **stored);
  EXPECT_EQ(events[0].status, v1::DELIVERY_STATUS_PENDING);
  EXPECT_EQ(events[0].ordering_key, "conv_1");
  nlohmann::json envelope = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(envelope["event"], "inbound_message");
  EXPECT_EQ(envelope["event_id"], **stored);
  EXPECT_EQ(envelope["property_id"], "p1");
  EXPECT_EQ(envelope["data"]["k"], 1);
  EXPECT_TRUE(envelope["occurred_at"].get<std::string>().back() == 'Z');
}

TEST_F(EventOutboxTest, WakesAfterTheCommitForEveryEvent) {
  testing::CountingWaker<EventWaker> waker;
  int& wakes = waker.wakes;
  EventOutbox outbox(t_.db(), &waker);
  Subscribe({"inbound_message"});
  auto emit = [&](const std::string& event) {
    return t_.db().Transaction([&]() -> absl::Status {
      absl::Status s = outbox.EmitInTransaction("p1", event, "", "{}").status();
      EXPECT_EQ(wakes, 0) << "woken before the commit";
      return s;
    });
  };
  // Not subscribed: no webhook event, but the streams are woken.
  ASSERT_TRUE(emit("message_read").ok());
  EXPECT_EQ(wakes, 1);
  wakes = 0;
  ASSERT_TRUE(emit("inbound_message").ok());
  EXPECT_EQ(wakes, 1);
  wakes = 0;
  absl::Status undone = t_.db().Transaction([&]() -> absl::Status {
    EXPECT_TRUE(outbox.EmitInTransaction("p1", "inbound_message", "", "{}").ok());
    return absl::AbortedError("the change failed");
  });
  EXPECT_FALSE(undone.ok());
  EXPECT_EQ(wakes, 0);
}

TEST_F(EventOutboxTest, EveryEventIsRecordedForTheStreamsInCommitOrder) {
  storage::EventStreamRepository streams(t_.db());
  Subscribe({"inbound_message"});
  auto emit = [&](const std::string& property, const std::string& event) {
    return storage::TransactValue(t_.db(), [&] {
      return outbox_.EmitInTransaction(property, event, "conv_1",
                                       R"({"conversation_id": "conv_1", "k": 2})");
    });
  };
  ASSERT_TRUE(emit("p1", "message_read").ok());  // cursor 1, no webhook
  auto webhook = emit("p1", "inbound_message");  // cursor 2, and a webhook event
  ASSERT_TRUE(emit("p2", "message_read").ok());  // p2's own cursor 1
  absl::Status undone = t_.db().Transaction([&]() -> absl::Status {
    EXPECT_TRUE(outbox_.EmitInTransaction("p1", "message_sent", "", "{}").ok());
    return absl::AbortedError("the change failed");
  });
  EXPECT_FALSE(undone.ok());
  ASSERT_TRUE(emit("p1", "message_failed").ok());  // cursor 3: the undone one gave it back
  auto rows = storage::ReadValue(t_.db(), [&] { return streams.ReadAfter("p1", 0, 10); });
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].cursor, 1);
  EXPECT_EQ((*rows)[0].event, "message_read");
  EXPECT_EQ((*rows)[1].cursor, 2);
  EXPECT_EQ((*rows)[1].event_id, **webhook);  // one id for both records
  EXPECT_EQ((*rows)[2].cursor, 3);
  EXPECT_EQ((*rows)[2].event, "message_failed");
  EXPECT_EQ((*rows)[0].conversation_id, "conv_1");
  EXPECT_EQ(nlohmann::json::parse((*rows)[0].data)["k"], 2);
  auto bounds = storage::ReadValue(t_.db(), [&] { return streams.Bounds("p2"); });
  ASSERT_TRUE(bounds.ok());
  EXPECT_EQ(bounds->latest, 1);
  EXPECT_EQ(bounds->oldest, 1);
}

// The retention worker's rule for the streams: per property (its
// event_days), oldest cursor first, and only from the stream's start, so
// "everything after the oldest kept is kept" holds even when an instance's
// clock put an older time on a later cursor; no cursor is handed out again.
TEST_F(EventOutboxTest, StreamEventsArePrunedPerPropertyFromTheStreamsStart) {
  storage::EventStreamRepository streams(t_.db());
  storage::RetentionRepository retention(t_.db());
  const absl::Time now = absl::Now();
  const absl::Time old = now - absl::Hours(10);
  auto append = [&](const std::string& property, absl::Time at) {
    storage::StreamEventRecord r{.property_id = property,
                                 .cursor = 0,
                                 .event_id = "evt_x",
                                 .event = "inbound_message",
                                 .conversation_id = "",
                                 .created_at = at,
                                 .data = "{}"};
    ASSERT_TRUE(storage::TransactValue(t_.db(), [&] { return streams.Append(r); }).ok());
  };
  for (absl::Time at : {old, old, now, old, now}) append("p1", at);  // cursors 1-5
  append("p2", old);
  storage::PruneRule rule;
  for (const storage::PruneRule& r : workers::RetentionPruner::DefaultRules()) {
    if (r.table == "stream_events") rule = r;
  }
  ASSERT_EQ(rule.name, "stream_events");
  auto prune = [&](const std::string& property, int limit) {
    absl::StatusOr<int64_t> n = storage::TransactValue(
        t_.db(), [&] { return retention.PruneBatch(rule, property, now - absl::Hours(1), limit); });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  };
  auto bounds = [&](const std::string& property) {
    return *storage::ReadValue(t_.db(), [&] { return streams.Bounds(property); });
  };
  EXPECT_EQ(prune("p1", 1), 1);  // a batch: cursor 1
  EXPECT_EQ(bounds("p1").oldest, 2);
  EXPECT_EQ(prune("p1", 100), 1);  // cursor 2; not 4, which follows the kept 3
  EXPECT_EQ(bounds("p1").oldest, 3);
  EXPECT_EQ(prune("p1", 100), 0);
  auto rows = storage::ReadValue(t_.db(), [&] { return streams.ReadAfter("p1", 2, 10); });
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 3u);        // 3, 4 and 5: unbroken
  EXPECT_EQ(bounds("p2").oldest, 1);  // another property's: untouched
  EXPECT_EQ(prune("p2", 100), 1);
  EXPECT_EQ(bounds("p2").oldest, 0);
  EXPECT_EQ(bounds("p2").latest, 1);
  append("p2", now);
  EXPECT_EQ(bounds("p2").latest, 2);  // the counter is kept
}

TEST_F(EventOutboxTest, AnEventRolledBackWithItsChangeIsGone) {
  Subscribe({"inbound_message"});
  absl::Status status = t_.db().Transaction([&]() -> absl::Status {
    auto id = outbox_.EmitInTransaction("p1", "inbound_message", "", "{}");
    if (!id.ok()) return id.status();
    return absl::AbortedError("the change failed");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(Events().empty());
}

TEST_F(EventOutboxTest, AnInboundMessageEmitsItsEventWithTheReferencesFields) {
  Subscribe({"inbound_message", "media_received"});
  storage::MessageRecord text = Inbound("Two towels please");
  std::vector<storage::WebhookEventRecord> events = Events();
  ASSERT_EQ(events.size(), 1u);
  nlohmann::json data = nlohmann::json::parse(events[0].payload)["data"];
  EXPECT_EQ(data["guest_phone"], "+1234567890");
  EXPECT_EQ(data["message_content"], "Two towels please");
  EXPECT_EQ(data["conversation_id"], "conv_abc123");
  EXPECT_EQ(data["message_id"], text.message_id);
  EXPECT_EQ(events[0].ordering_key, "conv_abc123");

  // Media: inbound_message and media_received, from Meta's payload shape.
  Inbound("A photo", v1::MESSAGE_TYPE_IMAGE,
          R"({"type":"image","image":{"id":"1234","mime_type":"image/jpeg","sha256":"ab"}})");
  events = Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].event, "inbound_message");
  EXPECT_EQ(events[2].event, "media_received");
  data = nlohmann::json::parse(events[2].payload)["data"];
  EXPECT_EQ(data["media_type"], "image");
  EXPECT_EQ(data["media_id"], "1234");
  EXPECT_EQ(data["mime_type"], "image/jpeg");
  EXPECT_EQ(data["caption"], "A photo");
}

TEST_F(EventOutboxTest, AStatusJumpReportsEveryStatusPassedInOrder) {
  Subscribe({"message_sent", "message_delivered", "message_read", "message_failed"});
  storage::MessageRecord m;
  m.message_id = "msg_1";
  m.property_id = "p1";
  m.conversation_id = "conv_abc123";
  m.guest_phone = "+1234567890";
  m.whatsapp_message_id = "wamid.out.1";
  m.created_at = absl::Now();
  Inbound("hi");  // the conversation
  storage::MessageRepository messages(t_.db());
  ASSERT_TRUE(t_.db().Transaction([&] { return messages.Insert(m); }).ok());
  absl::Time at = absl::Now();
  auto apply = [&](v1::MessageStatus status) {
    return storage::TransactValue(t_.db(), [&] {
      return statuses_.ApplyInTransaction(StatusUpdate{"wamid.out.1", status, at});
    });
  };
  ASSERT_TRUE(apply(v1::MESSAGE_STATUS_SENT).ok());
  // Meta skips `delivered` when delivery and reading coincide.
  ASSERT_TRUE(apply(v1::MESSAGE_STATUS_READ).ok());
  ASSERT_TRUE(apply(v1::MESSAGE_STATUS_DELIVERED).ok());  // late and stale: nothing
  std::vector<storage::WebhookEventRecord> events = Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event, "message_sent");
  EXPECT_EQ(events[1].event, "message_delivered");
  EXPECT_EQ(events[2].event, "message_read");
  nlohmann::json data = nlohmann::json::parse(events[2].payload)["data"];
  EXPECT_EQ(data["message_id"], "msg_1");
  EXPECT_EQ(data["status"], "read");
  EXPECT_EQ(data["whatsapp_message_id"], "wamid.out.1");
}

TEST(WebhookEventNamesTest, KnowsTheContractsEvents) {
  for (const char* e :
       {"message_sent", "message_delivered", "message_read", "message_failed", "inbound_message",
        "media_received", "conversation_resolved", "template_status_changed", "batch_completed",
        "message_scheduled", "message_cancelled", "message_expired", "guest_erased",
        "conversation_assigned", "conversation_routed", "auto_reply_sent"}) {
    EXPECT_TRUE(IsWebhookEvent(e)) << e;
  }
  EXPECT_FALSE(IsWebhookEvent("message_exploded"));
  EXPECT_FALSE(IsWebhookEvent("Inbound_Message"));  // the service lower-cases input first
}

}  // namespace
}  // namespace wa::domain
