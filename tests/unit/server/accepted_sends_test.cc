#include "server/workers/accepted_sends.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/message_repository.h"
#include "server/storage/scheduled_status_repository.h"
#include "tests/unit/server/test_db.h"

namespace wa::workers {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1767254400);

class AcceptedSendsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::ConversationRecord c;
    c.conversation_id = "c1";
    c.property_id = "p1";
    c.guest_phone = "+1234567890";
    c.created_at = c.updated_at = kT0;
    ASSERT_TRUE(t_.db().Transaction([&] { return conversations_.Insert(c); }).ok());
  }

  void AddQueued(const std::string& id) {
    storage::MessageRecord m;
    m.message_id = id;
    m.property_id = "p1";
    m.conversation_id = "c1";
    m.guest_phone = "+1234567890";
    m.created_at = kT0;
    m.next_attempt_at = kT0;
    ASSERT_TRUE(t_.db().Transaction([&] { return messages_.Insert(m); }).ok());
  }

  static provider::SendResult Accepted(const std::string& wamid) {
    provider::SendResult result;
    result.outcome = provider::SendOutcome::kAccepted;
    result.whatsapp_message_id = wamid;
    for (auto status : {hotel::whatsapp::v1::MESSAGE_STATUS_SENT,
                        hotel::whatsapp::v1::MESSAGE_STATUS_DELIVERED}) {
      result.follow_ups.push_back({0, wamid, status, 0, "", kT0});
    }
    return result;
  }

  // Records each send on a thread of its own, all at once; the statuses
  // Record returned, in the order of `sends`.
  std::vector<absl::Status> RecordTogether(
      const std::vector<std::pair<std::string, std::string>>& sends) {
    std::vector<absl::Status> results(sends.size());
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (size_t i = 0; i < sends.size(); ++i) {
      threads.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        results[i] = accepted_.Record(sends[i].first, Accepted(sends[i].second));
      });
    }
    go = true;
    for (std::thread& t : threads) t.join();
    return results;
  }

  testing::TestDb t_;
  storage::ConversationRepository conversations_{t_.db()};
  storage::MessageRepository messages_{t_.db()};
  storage::ScheduledStatusRepository scheduled_{t_.db()};
  AcceptedSends accepted_{t_.db()};
};

TEST_F(AcceptedSendsTest, SendsRecordedTogetherAreEachCommittedWithTheirFollowUps) {
  std::vector<std::pair<std::string, std::string>> sends;
  for (int i = 0; i < 16; ++i) {
    AddQueued("m" + std::to_string(i));
    sends.emplace_back("m" + std::to_string(i), "wamid." + std::to_string(i));
  }
  for (const absl::Status& s : RecordTogether(sends)) EXPECT_TRUE(s.ok()) << s;
  for (const auto& [id, wamid] : sends) {
    auto m = storage::ReadValue(t_.db(), [&] { return messages_.Get(id); });
    ASSERT_TRUE(m.ok() && m->has_value()) << id;
    EXPECT_EQ((*m)->whatsapp_message_id, wamid);
    EXPECT_FALSE((*m)->next_attempt_at.has_value()) << id << " left the queue";
  }
  auto due = storage::ReadValue(t_.db(), [&] { return scheduled_.Due(kT0, 1000); });
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->size(), 2 * sends.size());
}

TEST_F(AcceptedSendsTest, OneBadSendFailsAloneNotItsGroup) {
  for (const char* id : {"a", "b", "c", "d"}) AddQueued(id);
  // b and c claim one wamid, which is unique: whichever is written second
  // fails, in a group or alone; a and d are recorded either way.
  std::vector<absl::Status> results = RecordTogether(
      {{"a", "wamid.a"}, {"b", "wamid.same"}, {"c", "wamid.same"}, {"d", "wamid.d"}});
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_TRUE(results[3].ok()) << results[3];
  EXPECT_NE(results[1].ok(), results[2].ok()) << results[1] << " / " << results[2];
  for (const char* id : {"a", "d"}) {
    auto m = storage::ReadValue(t_.db(), [&] { return messages_.Get(id); });
    ASSERT_TRUE(m.ok() && m->has_value());
    EXPECT_FALSE((*m)->next_attempt_at.has_value()) << id;
  }
  auto due = storage::ReadValue(t_.db(), [&] { return scheduled_.Due(kT0, 1000); });
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->size(), 6u);  // two each for a, d and the one of b and c that won
}

}  // namespace
}  // namespace wa::workers
