#include "server/domain/status_machine.h"

#include "gtest/gtest.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

const absl::Time kT0 = absl::FromUnixSeconds(1767254400);

storage::MessageRecord Queued() {
  storage::MessageRecord m;
  m.direction = v1::DIRECTION_OUTBOUND;
  m.status = v1::MESSAGE_STATUS_QUEUED;
  return m;
}

StatusUpdate At(v1::MessageStatus status, int seconds) {
  return StatusUpdate{"wamid.x", status, kT0 + absl::Seconds(seconds)};
}

TEST(StatusMachine, MovesForwardAndRecordsEachTime) {
  storage::MessageRecord m = Queued();
  EXPECT_TRUE(ApplyStatus(m, At(v1::MESSAGE_STATUS_SENT, 1)));
  EXPECT_TRUE(ApplyStatus(m, At(v1::MESSAGE_STATUS_DELIVERED, 2)));
  EXPECT_TRUE(ApplyStatus(m, At(v1::MESSAGE_STATUS_READ, 3)));
  EXPECT_EQ(m.status, v1::MESSAGE_STATUS_READ);
  EXPECT_EQ(*m.sent_at, kT0 + absl::Seconds(1));
  EXPECT_EQ(*m.delivered_at, kT0 + absl::Seconds(2));
  EXPECT_EQ(*m.read_at, kT0 + absl::Seconds(3));
}

TEST(StatusMachine, IgnoresRepeatedAndOutOfOrderStatuses) {
  storage::MessageRecord m = Queued();
  ASSERT_TRUE(ApplyStatus(m, At(v1::MESSAGE_STATUS_READ, 5)));
  EXPECT_FALSE(ApplyStatus(m, At(v1::MESSAGE_STATUS_DELIVERED, 4)));
  EXPECT_FALSE(ApplyStatus(m, At(v1::MESSAGE_STATUS_SENT, 3)));
  EXPECT_FALSE(ApplyStatus(m, At(v1::MESSAGE_STATUS_READ, 6)));
  EXPECT_FALSE(ApplyStatus(m, At(v1::MESSAGE_STATUS_FAILED, 7)));
  EXPECT_EQ(m.status, v1::MESSAGE_STATUS_READ);
  EXPECT_EQ(*m.read_at, kT0 + absl::Seconds(5));
}

TEST(StatusMachine, ReadFillsTheSkippedTimestamps) {
  storage::MessageRecord m = Queued();
  ASSERT_TRUE(ApplyStatus(m, At(v1::MESSAGE_STATUS_READ, 9)));
  EXPECT_EQ(*m.sent_at, kT0 + absl::Seconds(9));
  EXPECT_EQ(*m.delivered_at, kT0 + absl::Seconds(9));
}

TEST(StatusMachine, FailedIsTerminalAndKeepsTheReason) {
  storage::MessageRecord m = Queued();
  ASSERT_TRUE(ApplyStatus(m, At(v1::MESSAGE_STATUS_SENT, 1)));
  StatusUpdate failed = At(v1::MESSAGE_STATUS_FAILED, 2);
  failed.failure_code = 131026;
  failed.failure_reason = "Message undeliverable";
  ASSERT_TRUE(ApplyStatus(m, failed));
  EXPECT_FALSE(ApplyStatus(m, At(v1::MESSAGE_STATUS_DELIVERED, 3)));
  EXPECT_EQ(m.status, v1::MESSAGE_STATUS_FAILED);
  EXPECT_EQ(m.failure_code, 131026);
  EXPECT_EQ(m.failure_reason, "Message undeliverable");
  EXPECT_FALSE(m.delivered_at.has_value());
}

TEST(StatusMachine, InboundMessagesHaveNoDeliveryStatus) {
  storage::MessageRecord m;
  m.direction = v1::DIRECTION_INBOUND;
  m.status = v1::MESSAGE_STATUS_RECEIVED;
  EXPECT_FALSE(ApplyStatus(m, At(v1::MESSAGE_STATUS_READ, 1)));
}

}  // namespace
}  // namespace wa::domain
