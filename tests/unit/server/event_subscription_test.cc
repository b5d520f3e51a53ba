#include "server/domain/event_subscription.h"

#include <memory>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

using Kind = Subscription::Step::Kind;

StreamEventPtr Event(int64_t cursor, const std::string& kind = "inbound_message",
                     const std::string& conversation = "conv_1") {
  auto e = std::make_shared<StreamEvent>();
  e->record.cursor = cursor;
  e->record.event = kind;
  e->record.conversation_id = conversation;
  return e;
}

Subscription Make(int64_t cursor, EventFilter filter = {}, size_t buffer = 10) {
  return Subscription(
      "p1", std::move(filter), cursor, buffer, [] {}, [] {});
}

// Takes and completes one step.
Subscription::Step Write(Subscription& s) {
  Subscription::Step step = s.Next();
  if (step.kind == Kind::kEvent || step.kind == Kind::kKeepAlive) s.WriteDone();
  return step;
}

TEST(SubscriptionTest, OpensWithAKeepAliveAtItsCursorThenEventsInOrderOnce) {
  Subscription s = Make(5);
  Subscription::Step first = Write(s);
  EXPECT_EQ(first.kind, Kind::kKeepAlive);
  EXPECT_EQ(first.cursor, 5);
  ASSERT_TRUE(s.Take({Event(4), Event(5), Event(6), Event(7)}));
  ASSERT_TRUE(s.Take({Event(7), Event(8)}));  // 7 again: the seam between storage and live
  std::vector<int64_t> cursors;
  for (Subscription::Step step = Write(s); step.kind == Kind::kEvent; step = Write(s)) {
    cursors.push_back(step.cursor);
  }
  EXPECT_EQ(cursors, (std::vector<int64_t>{6, 7, 8}));
  EXPECT_EQ(s.cursor(), 8);
}

TEST(SubscriptionTest, OneWriteAtATime) {
  Subscription s = Make(0);
  ASSERT_TRUE(s.Take({Event(1), Event(2)}));
  EXPECT_EQ(s.Next().kind, Kind::kEvent);  // the opening keep-alive waits: events first
  EXPECT_EQ(s.Next().kind, Kind::kWait);   // the write is in flight
  s.WriteDone();
  EXPECT_EQ(s.Next().cursor, 2);
}

TEST(SubscriptionTest, FiltersByKindAndConversationButMovesThePositionOn) {
  Subscription s = Make(0, EventFilter{{"message_read"}, "conv_2"});
  Write(s);  // keep-alive
  ASSERT_TRUE(s.Take({Event(1, "message_read", "conv_1"), Event(2, "inbound_message", "conv_2"),
                      Event(3, "message_read", "conv_2"), Event(4, "message_sent", "conv_2")}));
  Subscription::Step step = Write(s);
  EXPECT_EQ(step.kind, Kind::kEvent);
  EXPECT_EQ(step.cursor, 3);
  EXPECT_EQ(Write(s).kind, Kind::kWait);
  EXPECT_EQ(s.cursor(), 4);
  // A keep-alive now says 4: resuming after it skips only filtered events.
  s.Tick(absl::Now() + absl::Hours(1), absl::Seconds(15), absl::Seconds(10));
  step = Write(s);
  EXPECT_EQ(step.kind, Kind::kKeepAlive);
  EXPECT_EQ(step.cursor, 4);
}

TEST(SubscriptionTest, AFullBufferEndsTheStreamWithTheCursorToResumeFrom) {
  Subscription s = Make(0, {}, 3);
  Write(s);
  ASSERT_TRUE(s.Take({Event(1)}));
  EXPECT_EQ(Write(s).cursor, 1);
  EXPECT_FALSE(s.Take({Event(2), Event(3), Event(4), Event(5)}));
  EXPECT_TRUE(s.ended());
  Subscription::Step end = s.Next();
  ASSERT_EQ(end.kind, Kind::kEnd);
  EXPECT_EQ(end.status.code(), absl::StatusCode::kResourceExhausted);
  hotel::whatsapp::v1::ErrorDetail detail = DetailOf(end.status);
  EXPECT_EQ(detail.code(), "SUBSCRIBER_TOO_SLOW");
  EXPECT_EQ(detail.details().fields().at("resume_after_cursor").number_value(), 1);
  EXPECT_EQ(s.Next().kind, Kind::kWait);  // ends once
}

TEST(SubscriptionTest, AnEndedStreamStuckOnAWriteIsReportedAfterTheStall) {
  Subscription s = Make(0);
  ASSERT_EQ(s.Next().kind, Kind::kKeepAlive);  // never completes: the client stopped reading
  s.End(absl::UnavailableError("shutting down"));
  EXPECT_EQ(s.Next().kind, Kind::kWait);  // the status waits for the write
  EXPECT_FALSE(s.Tick(absl::Now(), absl::Seconds(15), absl::Seconds(10)));
  EXPECT_TRUE(s.Tick(absl::Now() + absl::Seconds(11), absl::Seconds(15), absl::Seconds(10)));
}

}  // namespace
}  // namespace wa::domain
